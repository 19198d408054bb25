// Knob `log_invalid`: net.netfilter.nf_conntrack_log_invalid (per network namespace).
import type { HostFacts } from "../../facts/types.js";
import type { Profile } from "../../profile/types.js";
import { l4ProtocolLabel } from "../../protocols.js";
import type { Knob, KnobPlan } from "../types.js";
import { planConntrackSysctl } from "./conntrackSysctl.js";
import type { SysctlStep } from "./step.js";

export function planLogInvalid(profile: Profile, facts: HostFacts): KnobPlan<SysctlStep> {
  const plan: KnobPlan<SysctlStep> = { steps: [], problems: [] };
  if (profile.logInvalid === undefined) return plan;
  const to = String(profile.logInvalid);
  planConntrackSysctl(plan, profile, facts, "log_invalid", "nf_conntrack_log_invalid", to);
  // Non-zero loads nf_log_syslog on 6.17+ when no logger is registered (on a kernel with modules).
  if (to !== "0" && facts.modules !== null) for (const step of plan.steps) step.loadsModules = true;
  return plan;
}

export const logInvalidKnob: Knob<SysctlStep> = {
  name: "log_invalid",
  scope: "netns",
  plan: planLogInvalid,
  factsArgs: ["s:nf_conntrack_log_invalid"],
  describe(profile) {
    const n = profile.logInvalid;
    if (n === undefined) return [];
    return [
      `nf_conntrack_log_invalid=${n} (${n === 255 ? "all" : n === 0 ? "off" : (l4ProtocolLabel(n) ?? `protocol ${n}`)})`,
    ];
  },
};
