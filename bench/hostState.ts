// The two kernel values every tool changes, and checks on the hosts themselves (through the
// fleet's nsExec, not through the tool under test) that they really changed and were restored.
import pLimit from "p-limit";
import type { Fleet } from "../test/fleet/netns/types.js";

export const LOG_INVALID = "net.netfilter.nf_conntrack_log_invalid";
export const NF_LOG_IPV4 = "net.netfilter.nf_log.2";

export type SysctlValues = Record<string, string>;

/**
 * A fresh namespace on kernel 6.18 already has nf_log.2 bound to nf_log_ipv4 (nf_log_syslog binds
 * every namespace): start each run from nf_log.2 = NONE so both knobs really change.
 */
export const START: SysctlValues = { [LOG_INVALID]: "0", [NF_LOG_IPV4]: "NONE" };
/** log_invalid: tcp (protocol 6) and nf_log ipv4: nf_log_ipv4. */
export const APPLIED: SysctlValues = { [LOG_INVALID]: "6", [NF_LOG_IPV4]: "nf_log_ipv4" };

/** "a=b c=d" as sysctl -w arguments. */
export function sysctlAssignments(values: SysctlValues): string[] {
  return Object.entries(values).map(([k, v]) => `${k}=${v}`);
}

const CHECK_CONCURRENCY = 8;

export async function setValues(fleet: Fleet, values: SysctlValues): Promise<void> {
  const limit = pLimit(CHECK_CONCURRENCY);
  await Promise.all(
    fleet.hosts.map((h) =>
      limit(() => fleet.nsExec(h, ["sysctl", "-q", "-w", ...sysctlAssignments(values)])),
    ),
  );
}

/** Throws, naming the hosts, unless every host has exactly `values`. */
export async function expectValues(fleet: Fleet, values: SysctlValues, when: string): Promise<void> {
  const limit = pLimit(CHECK_CONCURRENCY);
  const keys = Object.keys(values);
  const wrong: string[] = [];
  await Promise.all(
    fleet.hosts.map((h) =>
      limit(async () => {
        const out = (await fleet.nsExec(h, ["sysctl", "-n", ...keys])).trim().split("\n");
        const bad = keys.filter((k, i) => out[i]?.trim() !== values[k]);
        if (bad.length > 0)
          wrong.push(`${h.name}: ${bad.map((k) => `${k}=${out[keys.indexOf(k)]}`).join(" ")}`);
      }),
    ),
  );
  if (wrong.length > 0) {
    const shown = wrong.slice(0, 5).join("; ");
    throw new Error(
      `${when}: ${wrong.length} host(s) do not have ${sysctlAssignments(values).join(" ")}: ${shown}`,
    );
  }
}
