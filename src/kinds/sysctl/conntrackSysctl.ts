// The sysctls nf_conntrack creates under net/netfilter (log_invalid, acct, timestamp, events): each
// exists only once the module is loaded, so a profile that loads it reads the value after the load.
import type { HostFacts } from "../../facts/types.js";
import type { Profile } from "../../profile/types.js";
import { modulesAfter, moduleState } from "../module/modules.js";
import type { KnobPlan } from "../types.js";
import type { SysctlStep } from "./step.js";

/** Plans `net.netfilter.NAME` = `to` into `plan` for `knob`. */
export function planConntrackSysctl(
  plan: KnobPlan<SysctlStep>,
  profile: Profile,
  facts: HostFacts,
  knob: SysctlStep["knob"],
  name: string,
  to: string,
): void {
  const path = `net/netfilter/${name}`;
  const current = facts.sysctl[name];
  if (current === undefined) {
    if (modulesAfter(profile, facts).has("nf_conntrack") && moduleState("nf_conntrack", facts) === "absent") {
      plan.steps.push({ kind: "sysctl", knob, path, from: "?", to });
    } else {
      plan.problems.push(
        `net.netfilter.${name} does not exist (nf_conntrack is not loaded); add nf_conntrack to the profile's modules`,
      );
    }
  } else if (current !== to) {
    plan.steps.push({ kind: "sysctl", knob, path, from: current, to });
  }
}
