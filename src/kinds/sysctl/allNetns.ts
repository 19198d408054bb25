// Knob `nf_log_all_netns`: lets non-initial namespaces (containers) log. Initial namespace only.
import type { HostFacts } from "../../facts/types.js";
import type { Profile } from "../../profile/types.js";
import type { Knob, KnobPlan } from "../types.js";
import type { SysctlStep } from "./step.js";

const ALL_NETNS_PATH = "net/netfilter/nf_log_all_netns";

export function planAllNetns(profile: Profile, facts: HostFacts): KnobPlan<SysctlStep> {
  const plan: KnobPlan<SysctlStep> = { steps: [], problems: [] };
  if (profile.nfLogAllNetns === undefined) return plan;
  const to = profile.nfLogAllNetns ? "1" : "0";
  const current = facts.sysctl["nf_log_all_netns"];
  if (current === undefined) {
    // Outside the initial namespace the knob is unavailable; "false" is then already true in effect.
    if (profile.nfLogAllNetns)
      plan.problems.push(
        "nf_log_all_netns is unavailable: this host is not in the initial network namespace (set it on the machine that runs the container)",
      );
    return plan;
  }
  if (current !== to)
    plan.steps.push({ kind: "sysctl", knob: "nf_log_all_netns", path: ALL_NETNS_PATH, from: current, to });
  return plan;
}

export const allNetnsKnob: Knob<SysctlStep> = {
  name: "nf_log_all_netns",
  scope: "kernel",
  plan: planAllNetns,
  factsArgs: ["s:nf_log_all_netns"],
  describe: (profile) =>
    profile.nfLogAllNetns === undefined ? [] : [`nf_log_all_netns=${profile.nfLogAllNetns ? 1 : 0}`],
};
