// Plan: the difference between a profile and one host's facts, as a value that can be printed,
// compared and rendered to a script. Pure.
import { HostError } from "../errors.js";
import type { HostFacts } from "../facts/types.js";
import { KNOBS, type Step, stepChange } from "../kinds/registry.js";
import type { Change } from "../kinds/types.js";
import { budgetRate, windowBudget, type Profile } from "../profile/types.js";
import type { PlanOutcome } from "./outcomes.js";

export interface HostPlan {
  steps: Step[];
  changes: Change[];
  /** Non-empty: this host cannot satisfy the profile; nothing will be applied to it. */
  problems: string[];
  /** What the profile, though applied, will not do on this host. */
  warnings: string[];
  /** What the kinds resolved on this host (the sites each printk selector matched). */
  notes: string[];
}

export interface PlanOptions {
  /** --no-timer: the host need not be able to arm a dead-man's switch. */
  noTimer?: boolean;
}

/**
 * What a host must have before nfdebug changes anything there: flock(1) for the host lock, and a
 * way to arm the dead-man's switch (a systemd timer where systemd runs, else a setsid watchdog).
 */
export function hostProblems(facts: HostFacts, options: PlanOptions = {}): string[] {
  const problems: string[] = [];
  const has = (tool: string) => facts.tools.includes(tool);
  if (!has("flock"))
    problems.push("flock(1) is not installed (package util-linux): nfdebug cannot lock this host");
  if (!options.noTimer) {
    if (has("systemd") && !has("systemd-run"))
      problems.push(
        "systemd runs but systemd-run is missing: no dead-man's switch can be armed (or pass --no-timer)",
      );
    else if (!has("systemd") && !has("setsid"))
      problems.push(
        "neither systemd nor setsid (package util-linux) is available: no dead-man's switch can be armed (or pass --no-timer)",
      );
  }
  return problems;
}

export function planHost(profile: Profile, facts: HostFacts, options: PlanOptions = {}): HostPlan {
  const steps: Step[] = [];
  const problems: string[] = hostProblems(facts, options);
  const warnings: string[] = [];
  const notes: string[] = [];
  for (const knob of KNOBS) {
    const plan = knob.plan(profile, facts);
    steps.push(...plan.steps);
    problems.push(...plan.problems);
    warnings.push(...(plan.warnings ?? []));
    notes.push(...(plan.notes ?? []));
  }
  const budget = windowBudget(profile);
  if (options.noTimer && budget && steps.length > 0)
    warnings.push(
      `--no-timer: no dead-man's switch, so nothing on the host enforces the log budget (${budgetRate(budget)} or ${budget.maxLines.toLocaleString("en-US")} lines); only a revert ends this window`,
    );
  return { steps, changes: steps.map(stepChange), problems, warnings, notes };
}

/** The plan, or the "unsupported" HostError when the host cannot satisfy the profile. */
export function supportedPlan(host: string, plan: HostPlan): HostPlan {
  if (plan.problems.length > 0) throw new HostError("unsupported", host, plan.problems.join("; "));
  return plan;
}

/** What `plan` (and a dry run) reports for a host; a host that cannot satisfy the profile fails. */
export function planOutcome(host: string, plan: HostPlan): PlanOutcome {
  supportedPlan(host, plan);
  return {
    command: "plan",
    host,
    ok: true,
    changed: plan.changes.length > 0,
    changes: plan.changes,
    error: null,
    ...(plan.warnings.length > 0 ? { warnings: plan.warnings } : {}),
    ...(plan.notes.length > 0 ? { notes: plan.notes } : {}),
  };
}
