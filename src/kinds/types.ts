// The shape every resource kind shares. A kind (sysctl, module, printk) is one folder under
// src/kinds/: its knobs' planners, the host shell that applies and reverts it (a .sh beside the
// TypeScript), and its wording. src/kinds/registry.ts lists them. Kinds depend on facts and the
// profile, never on the engine.
import type { HostFacts } from "../facts/types.js";
import type { Profile } from "../profile/types.js";
import type { Change } from "./change.js";

export type { Change };

/** A step is one change a plan makes on one host; it renders to one line of the apply script. */
export interface StepBase {
  kind: string;
  knob: string;
}

/** Result of one knob's planning on one host. */
export interface KnobPlan<S extends StepBase = StepBase> {
  steps: S[];
  /** Why this host cannot satisfy the knob (feature missing). */
  problems: string[];
  /** What the knob, though applied, will not do on this host (a log_invalid protocol that logs nothing). */
  warnings?: string[];
  /** What the knob resolved on this host, beyond its steps (the sites a printk selector matched). */
  notes?: string[];
}

/** One managed setting of a profile: plans its steps from the facts, and says what it sets. */
export interface Knob<S extends StepBase = StepBase> {
  name: string;
  /**
   * Whose state it changes: every network namespace of the kernel sees a "kernel" knob's setting
   * (modules, printk sites, nf_log_all_netns), so hosts sharing a kernel take turns for it
   * (engine/kernelTurns.ts); a "netns" knob's is the host's own.
   */
  scope: "kernel" | "netns";
  plan(profile: Profile, facts: HostFacts): KnobPlan<S>;
  /** The profile's setting as short phrases for plans and reports ("nf_log ipv4=nf_log_ipv4"). */
  describe(profile: Partial<Profile>): string[];
  /** Facts-script arguments this knob always needs ("s:NAME": read net.netfilter.NAME). */
  factsArgs?: readonly string[];
}

/** One row of `nfdebug doctor`. */
export interface Capability {
  name: string;
  ok: boolean;
  value: string;
  /** What to do when not ok. */
  fix?: string;
}

/**
 * A resource kind. Its host shell file defines the apply function its steps call and
 * `nfd_revert_<name>`, which revert.sh calls for each journal line of this kind (with the journal
 * line's fields in $type $key $from $to).
 */
export interface Kind<S extends StepBase = StepBase> {
  name: S["kind"];
  /** The .sh beside the kind's TypeScript: its apply function and nfd_revert_<name>. */
  shell: URL;
  /**
   * Functions every host script has (facts, apply, revert, collect): what its facts and apply share,
   * and its window hooks nfd_window_opened_<name> DIR and nfd_window_collect_<name> DIR.
   */
  lib?: URL;
  /**
   * Its part of the facts script: shell run before the awk, and a fragment of the awk's BEGIN
   * block (facts.sh, facts.awk beside the kind's TypeScript). Each prints "@@section" blocks.
   */
  facts: { sh?: URL; awk?: URL };
  /** Facts-script arguments for a profile (or for status/facts without one). */
  factsArgs(profile?: Profile): string[];
  /** The apply script line of a step (a function call with quoted arguments). */
  render(step: S): string;
  change(step: S): Change;
  /** A journal key as users read it. */
  displayKey(key: string): string;
  /** What the host supports for this kind, for `nfdebug doctor`. */
  doctor(facts: HostFacts): Capability[];
  /** The kind's state on the host as short "name=value" phrases, for `nfdebug facts`. */
  summary(facts: HostFacts): string[];
}

/**
 * The journal's and the host output's type field: "KIND:KNOB" (e.g. "sysctl:nf_log"). Journals
 * written before the knob was recorded hold the kind alone.
 */
export function changeType(step: StepBase): string {
  return `${step.kind}:${step.knob}`;
}

export function parseChangeType(type: string): { kind: string; knob: string } {
  const colon = type.indexOf(":");
  return colon < 0 ? { kind: type, knob: type } : { kind: type.slice(0, colon), knob: type.slice(colon + 1) };
}
