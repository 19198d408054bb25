// Knob `log_invalid`: net.netfilter.nf_conntrack_log_invalid (per network namespace).
import type { HostFacts } from "../../facts/types.js";
import type { Profile } from "../../profile/types.js";
import { kernelAtLeast } from "../../facts/kernelVersion.js";
import { L4PROTO, l4ProtocolLabel } from "../../protocols.js";
import type { Knob, KnobPlan } from "../types.js";
import { planConntrackSysctl } from "./conntrackSysctl.js";
import type { SysctlStep } from "./step.js";

/**
 * Why nf_conntrack_log_invalid=N prints nothing on `kernel` (without a kernel: what holds for
 * some or all kernels), or undefined when it can log. The value is legal either way.
 * - GRE's tracker has no INVALID log call at all (nf_conntrack_proto_gre.c).
 * - DCCP's tracker was removed by "netfilter: conntrack: remove DCCP protocol support"
 *   (fd72f265bb00), applied to net-next in July 2025 during 6.16's release candidates: gone from
 *   6.17 on (this project's 6.18 kernel has no NF_CT_PROTO_DCCP in its config). Without it DCCP
 *   packets go to the generic tracker.
 * - The generic tracker (every protocol without a tracker of its own) logs nothing.
 */
export function silentLogInvalid(n: number, kernel?: string): string | undefined {
  const label = `log_invalid=${n} (${l4ProtocolLabel(n) ?? `protocol ${n}`})`;
  if (n === L4PROTO.gre) return `${label} logs nothing: conntrack's GRE tracker never logs an INVALID packet`;
  if (n === L4PROTO.dccp) {
    const gone = "DCCP connection tracking was removed in 6.17";
    if (kernel === undefined) return `${label} logs nothing on kernel 6.17 and later: ${gone}`;
    return kernelAtLeast(kernel, 6, 17) ? `${label} logs nothing on kernel ${kernel}: ${gone}` : undefined;
  }
  if (n !== 0 && n !== 255 && l4ProtocolLabel(n) === undefined)
    return `${label} logs nothing: conntrack has no tracker of its own for it, and the generic one never logs`;
  return undefined;
}

export function planLogInvalid(profile: Profile, facts: HostFacts): KnobPlan<SysctlStep> {
  const plan: KnobPlan<SysctlStep> = { steps: [], problems: [] };
  if (profile.logInvalid === undefined) return plan;
  const silent = silentLogInvalid(profile.logInvalid, facts.kernel);
  if (silent) plan.warnings = [silent];
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
