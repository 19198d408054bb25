// Knob `nf_log`: the logging backend bound per address family (net.netfilter.nf_log.N).
import type { HostFacts } from "../../facts/types.js";
import { FAMILIES, type Family, type Profile } from "../../profile/types.js";
import { modulesAfter, realModuleName } from "../module/modules.js";
import type { Knob, KnobPlan } from "../types.js";
import type { SysctlStep } from "./step.js";

/** The module that registers a logger on this kernel. */
function providerOf(logger: string, kernel: string): string {
  return logger === "nfnetlink_log" ? "nfnetlink_log" : realModuleName(logger, kernel);
}

export function planNfLog(profile: Profile, facts: HostFacts): KnobPlan<SysctlStep> {
  const plan: KnobPlan<SysctlStep> = { steps: [], problems: [] };
  for (const [family, logger] of Object.entries(profile.nfLog ?? {}) as [Family, string][]) {
    const n = FAMILIES[family];
    const path = `net/netfilter/nf_log/${n}`;
    const current = facts.sysctl[`nf_log/${n}`];
    if (current === undefined) {
      plan.problems.push(`net.netfilter.nf_log.${n} (${family}) does not exist on this host`);
      continue;
    }
    if (current === logger) continue;
    const registered = facts.loggers[n]?.registered ?? [];
    if (logger !== "NONE" && !registered.includes(logger)) {
      const provider = providerOf(logger, facts.kernel);
      if (modulesAfter(profile, facts).has(provider)) {
        // Registered by a module the profile loads first; read the binding after the load.
        plan.steps.push({ kind: "sysctl", knob: "nf_log", path, from: "?", to: logger });
        continue;
      }
      plan.problems.push(
        `backend ${logger} is not registered for ${family} (registered: ${registered.join(", ") || "none"}); add ${provider} to the profile's modules`,
      );
      continue;
    }
    plan.steps.push({ kind: "sysctl", knob: "nf_log", path, from: current, to: logger });
  }
  return plan;
}

export const nfLogKnob: Knob<SysctlStep> = {
  name: "nf_log",
  scope: "netns",
  plan: planNfLog,
  describe: (profile) =>
    Object.entries(profile.nfLog ?? {}).map(([family, logger]) => `nf_log ${family}=${logger}`),
};
