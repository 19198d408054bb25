// Knob `conntrack`: conntrack debugging sysctls beside log_invalid, per network namespace, which
// exist once nf_conntrack is loaded. Profile field → sysctl under net/netfilter, and the values the
// kernel accepts (seen on 6.18: acct and timestamp take 0..1, events 0..2, 2 = allocate the event
// extension only while a listener such as `conntrack -E` exists; events=2 is 5.19+).
import type { HostFacts } from "../../facts/types.js";
import type { Profile } from "../../profile/types.js";
import type { Knob, KnobPlan } from "../types.js";
import { planConntrackSysctl } from "./conntrackSysctl.js";
import type { SysctlStep } from "./step.js";

export const CONNTRACK_SYSCTLS: Readonly<Record<string, { sysctl: string; max: number }>> = {
  acct: { sysctl: "nf_conntrack_acct", max: 1 },
  timestamp: { sysctl: "nf_conntrack_timestamp", max: 1 },
  events: { sysctl: "nf_conntrack_events", max: 2 },
};

export function planConntrack(profile: Profile, facts: HostFacts): KnobPlan<SysctlStep> {
  const plan: KnobPlan<SysctlStep> = { steps: [], problems: [] };
  for (const [field, value] of Object.entries(profile.conntrack ?? {})) {
    const known = CONNTRACK_SYSCTLS[field];
    if (!known || !Number.isInteger(value) || value < 0 || value > known.max) {
      plan.problems.push(`conntrack.${field}: ${value} is not a value nfdebug can set`);
      continue;
    }
    planConntrackSysctl(plan, profile, facts, "conntrack", known.sysctl, String(value));
  }
  return plan;
}

export const conntrackKnob: Knob<SysctlStep> = {
  name: "conntrack",
  scope: "netns",
  plan: planConntrack,
  factsArgs: Object.values(CONNTRACK_SYSCTLS).map((s) => `s:${s.sysctl}`),
  describe: (profile) =>
    Object.entries(profile.conntrack ?? {}).map(
      ([field, value]) => `${CONNTRACK_SYSCTLS[field]?.sysctl ?? field}=${value}`,
    ),
};
