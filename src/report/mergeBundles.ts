// One bundle of several (`nfdebug merge`): the shards of a run over parts of a fleet, as if one run
// had covered every host. Pure: bundles already read in, a merged ReportInput and manifest details
// out; mergeBundleFiles.ts reads and writes the folders.
//
// Hosts and records are concatenated; each host keeps its counters, captures and changes; the
// totals, per-reason and per-kernel tables are the report's to recompute. Steps are merged by their
// place in the runbook: one row per step, ok when it was ok in every bundle that ran it.
import { resolve } from "node:path";
import { InputError } from "../errors.js";
import type { LogRecord } from "../logs/record.js";
import type { BundleManifest, MergedSource } from "./bundle.js";
import type { ReportInput, ReportStep } from "./model.js";

/** A bundle as read from its folder. */
export interface SourceBundle {
  /** The folder as the user named it. */
  dir: string;
  manifest: BundleManifest;
  input: ReportInput;
}

export interface MergedBundle {
  /** Its records iterate every bundle's records in turn (each bundle's once). */
  input: ReportInput;
  mergedFrom: MergedSource[];
  inventoryHosts?: BundleManifest["inventoryHosts"];
  /** What the reader should know of the merge (mergeBundleFiles adds them): also notes of the report. */
  warnings: string[];
}

/** Throws InputError when the bundles are not shards of one run: see checkMergeable. */
export function mergeBundles(sources: SourceBundle[], nfdebugVersion: string): MergedBundle {
  checkMergeable(sources);
  const [first] = sources;
  const inputs = sources.map((s) => s.input);
  const windows = inputs.map((i) => i.window ?? { startedAt: i.startedAt, endedAt: i.endedAt });
  const inventoryHosts = sources.flatMap((s) => s.manifest.inventoryHosts ?? []);
  const end = latest(inputs.map((i) => i.endedAt));
  return {
    input: {
      runbook: first.input.runbook,
      profile: first.input.profile,
      startedAt: earliest(inputs.map((i) => i.startedAt)),
      endedAt: end,
      window: {
        startedAt: earliest(windows.map((w) => w.startedAt)),
        endedAt: latest(windows.map((w) => w.endedAt)),
      },
      hosts: inputs.flatMap((i) => i.hosts),
      records: concatenated(inputs.map((i) => i.records)),
      steps: mergeSteps(sources),
      reasonInfo: Object.assign({}, ...inputs.map((i) => i.reasonInfo ?? {})),
      nfdebugVersion,
    },
    mergedFrom: sources.map(mergedSource),
    ...(inventoryHosts.length > 0 ? { inventoryHosts } : {}),
    warnings: [],
  };
}

/**
 * Bundles of one runbook and profile (the same files when the manifests hash them), no folder
 * twice, and no host in two of them. The message names both bundles and what differs.
 */
export function checkMergeable(sources: SourceBundle[]): void {
  if (sources.length < 2) throw new InputError("merge needs two or more bundles");
  const problems: string[] = [];
  const [first] = sources;
  for (const other of sources.slice(1)) {
    const difference = runDifference(first.manifest, other.manifest);
    if (difference) problems.push(`${first.dir} and ${other.dir} are not bundles of one run: ${difference}`);
  }
  const seen = new Map<string, string>();
  for (const s of sources) {
    const folder = resolve(s.dir);
    if (seen.has(folder)) problems.push(`${s.dir} is given twice (also as ${seen.get(folder)})`);
    seen.set(folder, s.dir);
  }
  const owner = new Map<string, string>();
  for (const s of sources) {
    for (const h of s.manifest.hosts) {
      const before = owner.get(h.name);
      if (before !== undefined && before !== s.dir)
        problems.push(
          `host ${h.name} is in both ${before} and ${s.dir}: each host may be in one bundle only`,
        );
      else owner.set(h.name, s.dir);
    }
  }
  if (problems.length > 0) throw new InputError(problems.join("\n"));
}

/** What makes two manifests runs of different runbooks or profiles; undefined when nothing does. */
function runDifference(a: BundleManifest, b: BundleManifest): string | undefined {
  for (const what of ["runbook", "profile"] as const) {
    const [x, y] = [a[what], b[what]];
    if (x.name !== y.name) return `${what} ${JSON.stringify(x.name)} and ${what} ${JSON.stringify(y.name)}`;
    if (x.sha256 && y.sha256 && x.sha256 !== y.sha256)
      return `${what} ${x.name} differs (sha256 ${x.sha256.slice(0, 12)} and ${y.sha256.slice(0, 12)}: the file changed between the runs)`;
  }
  return undefined;
}

/**
 * One row per step, in the runbook's order: a step's nth occurrence in one bundle is the same
 * step as its nth occurrence in another. A step only some bundles ran (revert (always) after a
 * failed step, a note) comes after the step it followed there.
 */
function mergeSteps(sources: SourceBundle[]): ReportStep[] {
  const keys: string[] = [];
  const byKey = new Map<string, Array<{ dir: string; step: ReportStep }>>();
  for (const s of sources) {
    const occurrences = new Map<string, number>();
    let after = -1;
    for (const step of s.input.steps) {
      const n = (occurrences.get(step.name) ?? 0) + 1;
      occurrences.set(step.name, n);
      const key = `${n}\u0000${step.name}`;
      let at = keys.indexOf(key);
      if (at < 0) {
        at = after + 1;
        keys.splice(at, 0, key);
        byKey.set(key, []);
      }
      after = Math.max(after, at);
      byKey.get(key)!.push({ dir: s.dir, step });
    }
  }
  return keys.map((key) => {
    const ran = byKey.get(key)!;
    const messages = ran.filter((r) => r.step.message);
    return {
      name: ran[0].step.name,
      ok: ran.every((r) => r.step.ok),
      startedAt: earliest(ran.map((r) => r.step.startedAt)),
      endedAt: latest(ran.map((r) => r.step.endedAt)),
      // Each bundle's own words: "20 record(s) collected on 2 host(s)" was true of that bundle.
      ...(messages.length > 0
        ? { message: messages.map((r) => `${r.dir}: ${r.step.message}`).join("; ") }
        : {}),
    };
  });
}

function mergedSource(s: SourceBundle): MergedSource {
  const m = s.manifest;
  return {
    path: s.dir,
    ...(m.nfdebug ? { nfdebug: m.nfdebug } : {}),
    ...(m.commandLine ? { commandLine: m.commandLine } : {}),
    startedAt: m.startedAt,
    endedAt: m.endedAt,
    hosts: m.hosts.map((h) => h.name),
    ...(m.mergedFrom ? { mergedFrom: m.mergedFrom } : {}),
  };
}

function* concatenated(parts: Iterable<LogRecord>[]): Generator<LogRecord> {
  for (const part of parts) yield* part;
}

// ISO 8601 times in UTC compare as strings; Date.parse copes with other offsets too.
const earliest = (times: string[]) => times.reduce((a, b) => (Date.parse(b) < Date.parse(a) ? b : a));
const latest = (times: string[]) => times.reduce((a, b) => (Date.parse(b) > Date.parse(a) ? b : a));
