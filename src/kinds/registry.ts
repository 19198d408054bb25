// The resource kinds nfdebug manages, and their knobs in planning order. The engine reaches kinds
// only through this file: the host scripts are composed from KINDS' shell files, plans from KNOBS.
import { captureKind } from "./capture/kind.js";
import { captureKnob, flowKnob, type CaptureStep } from "./capture/capture.js";
import { moduleKind } from "./module/kind.js";
import { modulesKnob, type ModuleStep } from "./module/modules.js";
import { printkKind } from "./printk/kind.js";
import { printkKnob, type PrintkStep } from "./printk/printk.js";
import { allNetnsKnob } from "./sysctl/allNetns.js";
import { conntrackKnob } from "./sysctl/conntrack.js";
import { sysctlKind } from "./sysctl/kind.js";
import type { SysctlStep } from "./sysctl/step.js";
import { logInvalidKnob } from "./sysctl/logInvalid.js";
import { nfLogKnob } from "./sysctl/nfLog.js";
import { parseChangeType, type Change, type Kind, type Knob } from "./types.js";

export type Step = SysctlStep | ModuleStep | PrintkStep | CaptureStep;
export type KindName = Step["kind"];

/** Each kind's host shell defines its apply function and nfd_revert_<name>. */
export const KINDS: readonly Kind<Step>[] = [sysctlKind, moduleKind, printkKind, captureKind] as Kind<Step>[];

// Order matters: modules register loggers and create sysctls that later steps need; the capture
// starts once nf_log binds nfnetlink_log (and revert, newest first, stops it before unbinding);
// flow captures are added to an open window by a runbook's capture step.
export const KNOBS: readonly Knob<Step>[] = [
  modulesKnob,
  nfLogKnob,
  logInvalidKnob,
  conntrackKnob,
  allNetnsKnob,
  printkKnob,
  captureKnob,
  flowKnob,
];

/**
 * The scope of the knob a step or journal line names. Undefined for a name no knob has (a journal
 * written before knobs were recorded names its kind alone): callers then assume "kernel".
 */
export function knobScope(name: string): Knob["scope"] | undefined {
  return KNOBS.find((k) => k.name === name)?.scope;
}

export function kindOf(name: string): Kind<Step> | undefined {
  return KINDS.find((k) => k.name === name);
}

function stepKind(step: Step): Kind<Step> {
  const kind = kindOf(step.kind);
  if (!kind) throw new Error(`no kind ${step.kind}`);
  return kind;
}

export function renderStep(step: Step): string {
  return stepKind(step).render(step);
}

export function stepChange(step: Step): Change {
  return stepKind(step).change(step);
}

/** A journal key as users read it ("net.netfilter.nf_log.2"), by the kind its type names. */
export function hostKey(type: string, key: string): string {
  return kindOf(parseChangeType(type).kind)?.displayKey(key) ?? key;
}

/**
 * A change the host reported ("KIND:KNOB", journal key, from, to). A journal written before the
 * knob was recorded names the kind alone: its knob is then the kind's name (never guessed from the
 * key). Undefined for a kind nfdebug does not know.
 */
export function hostReportedChange(type: string, key: string, from: string, to: string): Change | undefined {
  const { kind, knob } = parseChangeType(type);
  const k = kindOf(kind);
  if (!k) return undefined;
  return { knob, key: k.displayKey(key), from, to };
}
