// Kind `sysctl`: values under /proc/sys/net/netfilter, per network namespace unless the knob says
// otherwise. Applied by nfd_sysctl and reverted by nfd_revert_sysctl (sysctl.sh).
import { FAMILIES } from "../../profile/types.js";
import { kernelAtLeast } from "../../facts/kernelVersion.js";
import { call } from "../../shell/quote.js";
import { changeType, type Kind } from "../types.js";

/** `from` is "?" when the value cannot be read before an earlier step (a module load) runs. */
export interface SysctlStep {
  kind: "sysctl";
  knob: string;
  /** Below /proc/sys: "net/netfilter/nf_log/2". */
  path: string;
  from: string;
  to: string;
}

/** "net/netfilter/nf_log/2" → "net.netfilter.nf_log.2" (sysctl's spelling). */
export function sysctlName(path: string): string {
  return path.replaceAll("/", ".");
}

export const sysctlKind: Kind<SysctlStep> = {
  name: "sysctl",
  shell: new URL("./sysctl.sh", import.meta.url),
  facts: { awk: new URL("./facts.awk", import.meta.url) },
  // For the conntrack counters of collect and status; the knobs add their own.
  factsArgs: () => ["s:nf_conntrack_count", "s:nf_conntrack_max"],
  render: (step) => call("nfd_sysctl", changeType(step), step.path, step.from, step.to),
  change: (step) => ({ knob: step.knob, key: sysctlName(step.path), from: step.from, to: step.to }),
  displayKey: sysctlName,
  doctor(facts) {
    const li = facts.sysctl["nf_conntrack_log_invalid"];
    const families = Object.entries(FAMILIES).map(([family, n]) => {
      const f = facts.loggers[n];
      return `${family}=${f ? f.bound : "?"}`;
    });
    const registered = [...new Set(Object.values(facts.loggers).flatMap((l) => l.registered))];
    return [
      {
        name: "log_invalid",
        ok: li !== undefined,
        value: li ?? "absent",
        fix: "load nf_conntrack (add it to the profile's modules)",
      },
      { name: "nf_log bindings", ok: true, value: families.join(" ") },
      {
        name: "registered loggers",
        ok: registered.some((r) => r.startsWith("nf_log_")),
        value: registered.join(",") || "none",
        fix: kernelAtLeast(facts.kernel, 5, 13)
          ? "add nf_log_syslog to the profile's modules"
          : "add nf_log_ipv4 / nf_log_ipv6 to the profile's modules",
      },
      {
        name: "nf_log_all_netns",
        ok: facts.initialNetns,
        value: facts.sysctl["nf_log_all_netns"] ?? "unavailable",
        fix: "set it on the machine that hosts this namespace; lines from containers need it there",
      },
    ];
  },
};
