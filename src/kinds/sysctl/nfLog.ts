// Knob `nf_log`: the logging backend bound per address family (net.netfilter.nf_log.N).
import type { HostFacts } from "../../facts/types.js";
import { FAMILIES, type Family, type Profile } from "../../profile/types.js";
import { modulesAfter, realModuleName } from "../module/modules.js";
import type { Knob, KnobPlan } from "../types.js";
import type { SysctlStep } from "./step.js";

/** The module that registers a logger (canonical name) on this kernel. */
function providerOf(logger: string, kernel: string): string {
  return logger === "nfnetlink_log" ? "nfnetlink_log" : realModuleName(logger, kernel);
}

/**
 * The registered logger that writing `name` to nf_log.N binds, as the kernel looks it up
 * (nf_log.c, __find_logger: `strncasecmp(name, logger->name, strlen(logger->name))`, so any
 * letter case, and the name may run on past the logger's). The sysctl reads back the logger's own
 * name. "NONE" is compared exactly (strcmp) and unbinds; it is no logger.
 */
export function boundLogger(name: string, registered: readonly string[]): string | undefined {
  const lower = name.toLowerCase();
  return registered.find((logger) => lower.startsWith(logger.toLowerCase()));
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
    const registered = facts.loggers[n]?.registered ?? [];
    // What the sysctl will read once written: the kernel's own spelling of the logger.
    const bound = logger === "NONE" ? "NONE" : boundLogger(logger, registered);
    if (current === bound) continue;
    if (bound === undefined) {
      // Logger names are lower case: the profile's name in any case stands for the same one.
      const canonical = logger.toLowerCase();
      const provider = providerOf(canonical, facts.kernel);
      if (modulesAfter(profile, facts).has(provider)) {
        // Registered by a module the profile loads first; read the binding after the load.
        if (current !== canonical)
          plan.steps.push({ kind: "sysctl", knob: "nf_log", path, from: "?", to: canonical });
        continue;
      }
      plan.problems.push(
        `backend ${logger} is not registered for ${family} (registered: ${registered.join(", ") || "none"}); add ${provider} to the profile's modules`,
      );
      continue;
    }
    plan.steps.push({ kind: "sysctl", knob: "nf_log", path, from: current, to: bound });
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
