// Knob `log_invalid`: net.netfilter.nf_conntrack_log_invalid (per network namespace).
import type { HostFacts } from "../../facts/types.js";
import type { Profile } from "../../profile/types.js";
import { modulesAfter, moduleState } from "../module/modules.js";
import { l4ProtocolLabel } from "../../protocols.js";
import type { Knob, KnobPlan } from "../types.js";
import type { SysctlStep } from "./kind.js";

export const LOG_INVALID_PATH = "net/netfilter/nf_conntrack_log_invalid";

export function planLogInvalid(profile: Profile, facts: HostFacts): KnobPlan<SysctlStep> {
  const plan: KnobPlan<SysctlStep> = { steps: [], problems: [] };
  if (profile.logInvalid === undefined) return plan;
  const to = String(profile.logInvalid);
  const current = facts.sysctl["nf_conntrack_log_invalid"];
  if (current === undefined) {
    // The sysctl appears with nf_conntrack; its value can only be read once the module is loaded.
    if (modulesAfter(profile, facts).has("nf_conntrack") && moduleState("nf_conntrack", facts) === "absent") {
      plan.steps.push({ kind: "sysctl", knob: "log_invalid", path: LOG_INVALID_PATH, from: "?", to });
    } else {
      plan.problems.push(
        "net.netfilter.nf_conntrack_log_invalid does not exist (nf_conntrack is not loaded); add nf_conntrack to the profile's modules",
      );
    }
  } else if (current !== to) {
    plan.steps.push({ kind: "sysctl", knob: "log_invalid", path: LOG_INVALID_PATH, from: current, to });
  }
  return plan;
}

export const logInvalidKnob: Knob<SysctlStep> = {
  name: "log_invalid",
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
