// Plan: the difference between a profile and one host's facts, as a value that can be printed,
// compared and rendered to a script. Pure.
import { HostError } from "../errors.js";
import type { HostFacts } from "../facts/types.js";
import { planAllNetns } from "../knobs/allNetns.js";
import { planLogInvalid } from "../knobs/logInvalid.js";
import { planModules } from "../knobs/modules.js";
import { planNfLog } from "../knobs/nfLog.js";
import { planPrintk } from "../knobs/printk.js";
import { type Change, type Step, stepChange } from "../knobs/step.js";
import type { Profile } from "../profile/types.js";
import type { HostOutcome } from "./result.js";

export interface HostPlan {
  steps: Step[];
  changes: Change[];
  /** Non-empty: this host cannot satisfy the profile; nothing will be applied to it. */
  problems: string[];
}

// Order matters: modules register loggers and create sysctls that later steps need.
const KNOBS = [planModules, planNfLog, planLogInvalid, planAllNetns, planPrintk];

export function planHost(profile: Profile, facts: HostFacts): HostPlan {
  const steps: Step[] = [];
  const problems: string[] = [];
  for (const planKnob of KNOBS) {
    const plan = planKnob(profile, facts);
    steps.push(...plan.steps);
    problems.push(...plan.problems);
  }
  return { steps, changes: steps.map(stepChange), problems };
}

/** The plan, or the "unsupported" HostError when the host cannot satisfy the profile. */
export function supportedPlan(host: string, plan: HostPlan): HostPlan {
  if (plan.problems.length > 0) throw new HostError("unsupported", host, plan.problems.join("; "));
  return plan;
}

/** What `plan` (and a dry run) reports for a host; a host that cannot satisfy the profile fails. */
export function planOutcome(host: string, plan: HostPlan): HostOutcome {
  supportedPlan(host, plan);
  return { host, ok: true, changed: plan.changes.length > 0, changes: plan.changes, error: null };
}
