// Kind `sysctl`: values under /proc/sys/net/netfilter, per network namespace unless the knob says
// otherwise. Applied by nfd_sysctl and reverted by nfd_revert_sysctl (sysctl.sh).
import { FAMILIES } from "../../profile/types.js";
import { kernelAtLeast } from "../../facts/kernelVersion.js";
import { call } from "../../shell/quote.js";
import { CONNTRACK_SYSCTLS } from "./conntrack.js";
import { changeType, type Kind } from "../types.js";
import { sysctlName, type SysctlStep } from "./step.js";

export const sysctlKind: Kind<SysctlStep> = {
  name: "sysctl",
  shell: new URL("./sysctl.sh", import.meta.url),
  facts: { awk: new URL("./facts.awk", import.meta.url) },
  // For the conntrack counters of collect and status; the knobs add their own.
  factsArgs: () => ["s:nf_conntrack_count", "s:nf_conntrack_max"],
  render: (step) =>
    call(
      "nfd_sysctl",
      changeType(step),
      step.path,
      step.from,
      step.to,
      ...(step.loadsModules ? ["loads-modules"] : []),
    ),
  change: (step) => ({ knob: step.knob, key: sysctlName(step.path), from: step.from, to: step.to }),
  displayKey: sysctlName,
  summary(facts) {
    const s = facts.sysctl;
    const conntrack = Object.entries(CONNTRACK_SYSCTLS)
      .filter(([, c]) => s[c.sysctl] !== undefined)
      .map(([field, c]) => `${field}=${s[c.sysctl]}`);
    return [
      `log_invalid=${s["nf_conntrack_log_invalid"] ?? "absent"}`,
      ...[2, 10].filter((n) => s[`nf_log/${n}`] !== undefined).map((n) => `nf_log.${n}=${s[`nf_log/${n}`]}`),
      ...conntrack,
      `all_netns=${s["nf_log_all_netns"] ?? "unavailable"}`,
    ];
  },
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
