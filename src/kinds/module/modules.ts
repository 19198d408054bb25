// Knob `modules`: kernel modules that must be loaded during the window.
import type { HostFacts } from "../../facts/types.js";
import type { Profile } from "../../profile/types.js";
import { kernelAtLeast } from "../../facts/kernelVersion.js";
import type { Knob, KnobPlan } from "../types.js";

export interface ModuleStep {
  kind: "module";
  knob: "modules";
  /** As the profile names it, for messages (an old name or alias). */
  name: string;
  /** The module that name stands for on this kernel: what modprobe loads and /proc/modules lists. */
  module: string;
}

const SYSLOG_LOGGERS = ["nf_log_ipv4", "nf_log_ipv6", "nf_log_arp", "nf_log_netdev", "nf_log_bridge"];

/** 5.13 merged the per-family nf_log modules into nf_log_syslog: module names differ from there on. */
export const NF_LOG_SYSLOG_SINCE = "5.13";
const sinceParts = NF_LOG_SYSLOG_SINCE.split(".").map(Number) as [number, number];

/** The module a name loads on this kernel. */
export function realModuleName(name: string, kernel: string): string {
  const n = name.replaceAll("-", "_");
  if ((SYSLOG_LOGGERS.includes(n) || n === "nf_log_common") && kernelAtLeast(kernel, ...sinceParts))
    return "nf_log_syslog";
  return n;
}

/** Kernel evidence that a module's code is present without being a loaded module. */
function presentAsBuiltin(module: string, facts: HostFacts): boolean {
  if (facts.builtinModules.includes(module)) return true;
  const registered = new Set(Object.values(facts.loggers).flatMap((f) => f.registered));
  if (module === "nf_log_syslog") return SYSLOG_LOGGERS.some((l) => registered.has(l));
  if (SYSLOG_LOGGERS.includes(module)) return registered.has(module);
  if (module === "nfnetlink_log") return registered.has("nfnetlink_log");
  if (module === "nf_conntrack") return "nf_conntrack_log_invalid" in facts.sysctl;
  // /sys/module/NAME exists for loaded modules and for built-ins with parameters.
  return facts.modules === null && facts.sysModules.includes(module);
}

export type ModuleState = "loaded" | "builtin" | "absent";

export function moduleState(module: string, facts: HostFacts): ModuleState {
  if (facts.modules && module in facts.modules) return "loaded";
  return presentAsBuiltin(module, facts) ? "builtin" : "absent";
}

export function planModules(profile: Profile, facts: HostFacts): KnobPlan<ModuleStep> {
  const plan: KnobPlan<ModuleStep> = { steps: [], problems: [] };
  for (const name of profile.modules ?? []) {
    const module = realModuleName(name, facts.kernel);
    if (moduleState(module, facts) !== "absent") continue;
    if (facts.modules === null) {
      plan.problems.push(
        `module ${name} is not built into kernel ${facts.kernel}, which has no module support`,
      );
    } else if (!facts.tools.includes("modprobe")) {
      plan.problems.push(`module ${name} is not loaded and modprobe is not installed`);
    } else if (!plan.steps.some((s) => s.kind === "module" && s.module === module)) {
      plan.steps.push({ kind: "module", knob: "modules", name, module });
    }
  }
  return plan;
}

/** Modules the plan will make present (loaded now, built in, or loaded by a step). */
export function modulesAfter(profile: Profile, facts: HostFacts): Set<string> {
  const present = new Set<string>();
  for (const name of profile.modules ?? []) present.add(realModuleName(name, facts.kernel));
  return present;
}

export const modulesKnob: Knob<ModuleStep> = {
  name: "modules",
  scope: "kernel",
  plan: planModules,
  describe: (profile) => (profile.modules?.length ? [`modules ${profile.modules.join(", ")}`] : []),
};
