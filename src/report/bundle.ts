// The artifact bundle a report is read from and written to (the model itself is in model.ts).
//
// Bundle directory layout (one run of a runbook; every JSON file is UTF-8, 2-space indented):
//
//   manifest.json      BundleManifest: format version, nfdebug version, command line, runbook
//                      (name, question, hash), profile, start/end, collection window,
//                      per-host outcome (ok, error, revert outcome, kernel) and per-step outcome.
//   changes.json       BundleChanges: per host, the changes apply made ({knob, key, from, to}),
//                      which revert undid. The report reads `host` and `changes`. (Format 1
//                      bundles named it plan.json.)
//   facts-before.json  engine-owned facts per host before apply   (not read by the report)
//   facts-after.json   engine-owned facts per host after revert   (not read by the report)
//   records.jsonl      one LogRecord (src/logs/record.ts) a line, all hosts merged
//   raw/<host>.log     raw kernel lines per host                  (not read by the report)
//   counters.json      BundleCounters: per host, conntrack counter deltas over the window
//   pcap/<host>.pcap   the host's NFLOG capture (kind capture), what manifest hosts[].capture describes
//   pcap/<host>.flow-NAME.pcap  a flow capture (a runbook's capture step), manifest hosts[].flows
//   records/<host>.jsonl  the host's records; exec/stepN-<host>.log  an exec step's output per host
//   summary.md         written by writeReports (write-reports.ts; Markdown for a ticket)
//   report.html        written by writeReports (one self-contained page)
//
// `nfdebug report DIR` is readBundle(DIR) followed by writeReports(DIR, input). `nfdebug merge`
// makes one bundle of several (mergeBundles.ts); its manifest names them in mergedFrom.

import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { RECORD_SCHEMA, type LogRecord } from "../logs/record.js";
import { jsonLinesOf, readJsonFile } from "./bundle-json.js";
import type {
  ReasonInfo,
  ReportChange,
  ReportCounters,
  ReportHost,
  ReportInput,
  ReportStep,
} from "./model.js";

/**
 * 2: the applied changes are in changes.json (format 1: plan.json). 3: records.jsonl holds records
 * of schema 2 (RECORD_SCHEMA: `tcp_window`, `window_id`, `profile`); older bundles' records are
 * read as schema 2.
 */
export const BUNDLE_FORMAT = 3;

export const BUNDLE_FILES = {
  manifest: "manifest.json",
  changes: "changes.json",
  factsBefore: "facts-before.json",
  factsAfter: "facts-after.json",
  records: "records.jsonl",
  counters: "counters.json",
  summary: "summary.md",
  html: "report.html",
} as const;

export interface BundleManifest {
  format: number;
  /** The version of schemas/record.schema.json that records.jsonl follows (absent before format 3: 1). */
  recordSchema?: number;
  nfdebug?: string;
  commandLine?: string[];
  runbook: ReportInput["runbook"] & { path?: string; sha256?: string };
  profile: ReportInput["profile"] & { path?: string; sha256?: string };
  startedAt: string;
  endedAt: string;
  window?: ReportInput["window"];
  hosts: Array<
    Pick<
      ReportHost,
      "name" | "ok" | "error" | "reverted" | "trip" | "kernel" | "kernelLog" | "capture" | "flows"
    >
  >;
  steps: ReportStep[];
  reasonInfo?: Record<string, ReasonInfo>;
  /** The hosts of the inventory the run selected (written by a runbook run). */
  inventoryHosts?: Array<{ name: string; address?: string; port?: number; user?: string }>;
  /** Written by `nfdebug merge`: the bundles this one was made of, in the order given. */
  mergedFrom?: MergedSource[];
}

/** One bundle a merged bundle was made of, as its manifest said. */
export interface MergedSource {
  /** The bundle folder as given to nfdebug merge. */
  path: string;
  nfdebug?: string;
  commandLine?: string[];
  startedAt: string;
  endedAt: string;
  hosts: string[];
  /** When that bundle was a merge itself. */
  mergedFrom?: MergedSource[];
}

export interface BundleChanges {
  hosts: Array<{ host: string; changes: ReportChange[] }>;
}

export interface BundleCounters {
  hosts: Array<{ host: string; kernel?: string; counters: ReportCounters }>;
}

/** Reads a bundle directory back into a ReportInput. Throws InputError on malformed files. */
export async function readBundle(dir: string): Promise<ReportInput> {
  return bundleInput(dir, await readManifest(dir));
}

/** A bundle's manifest.json, checked. Throws InputError naming the file when it is missing or malformed. */
export function readManifest(dir: string): Promise<BundleManifest> {
  return readJsonFile<BundleManifest>(join(dir, BUNDLE_FILES.manifest), checkManifest);
}

/** The ReportInput of a bundle whose manifest was read already. */
export async function bundleInput(dir: string, manifest: BundleManifest): Promise<ReportInput> {
  const changesFile = manifest.format === 1 ? "plan.json" : BUNDLE_FILES.changes;
  const applied = await readJsonFile<BundleChanges>(join(dir, changesFile), undefined, { hosts: [] });
  const counters = await readJsonFile<BundleCounters>(join(dir, BUNDLE_FILES.counters), undefined, {
    hosts: [],
  });
  // Read as the report iterates them: a bundle of a large log does not fit in memory (or in one
  // string). A malformed line is an InputError then, naming records.jsonl:LINE.
  const lines = jsonLinesOf<LogRecord>(join(dir, BUNDLE_FILES.records));
  const records = (manifest.recordSchema ?? 1) < 2 ? recordsOfSchema1(lines) : lines;
  const changesOf = new Map((applied.hosts ?? []).map((h) => [h.host, h.changes ?? []]));
  const countersOf = new Map((counters.hosts ?? []).map((h) => [h.host, h]));
  const hosts: ReportHost[] = manifest.hosts.map((h) => {
    const c = countersOf.get(h.name);
    return {
      ...h,
      changes: changesOf.get(h.name) ?? [],
      ...(c ? { counters: c.counters } : {}),
      ...((h.kernel ?? c?.kernel) ? { kernel: h.kernel ?? c?.kernel } : {}),
    };
  });
  return {
    runbook: { ...manifest.runbook, question: manifest.runbook.question ?? "" },
    profile: manifest.profile,
    startedAt: manifest.startedAt,
    endedAt: manifest.endedAt,
    ...(manifest.window ? { window: manifest.window } : {}),
    hosts,
    records,
    steps: manifest.steps ?? [],
    ...(manifest.reasonInfo ? { reasonInfo: manifest.reasonInfo } : {}),
    ...(manifest.nfdebug ? { nfdebugVersion: manifest.nfdebug } : {}),
  };
}

/** Writes manifest.json, changes.json, counters.json and records.jsonl (not the reports). */
export async function writeBundle(
  dir: string,
  input: ReportInput,
  extra: Pick<BundleManifest, "commandLine" | "inventoryHosts" | "mergedFrom"> & {
    /** records.jsonl was streamed there already (collect): do not rewrite it. */
    recordsWritten?: boolean;
  } = {},
): Promise<void> {
  const { recordsWritten, commandLine, ...details } = extra;
  await mkdir(dir, { recursive: true });
  const manifest: BundleManifest = {
    format: BUNDLE_FORMAT,
    recordSchema: RECORD_SCHEMA,
    ...(input.nfdebugVersion ? { nfdebug: input.nfdebugVersion } : {}),
    ...(commandLine ? { commandLine } : {}),
    runbook: input.runbook,
    profile: input.profile,
    startedAt: input.startedAt,
    endedAt: input.endedAt,
    ...(input.window ? { window: input.window } : {}),
    hosts: input.hosts.map(({ name, ok, error, reverted, trip, kernel, kernelLog, capture, flows }) => ({
      name,
      ok,
      error,
      reverted,
      ...(trip ? { trip } : {}),
      kernel,
      kernelLog,
      capture,
      flows,
    })),
    steps: input.steps,
    ...(input.reasonInfo ? { reasonInfo: input.reasonInfo } : {}),
    ...details,
  };
  const changes: BundleChanges = { hosts: input.hosts.map((h) => ({ host: h.name, changes: h.changes })) };
  const counters: BundleCounters = {
    hosts: input.hosts
      .filter((h) => h.counters)
      .map((h) => ({ host: h.name, ...(h.kernel ? { kernel: h.kernel } : {}), counters: h.counters! })),
  };
  await writeJson(join(dir, BUNDLE_FILES.manifest), manifest);
  await writeJson(join(dir, BUNDLE_FILES.changes), changes);
  await writeJson(join(dir, BUNDLE_FILES.counters), counters);
  if (!recordsWritten) {
    let lines = "";
    for (const r of input.records) lines += JSON.stringify(r) + "\n";
    await writeFile(join(dir, BUNDLE_FILES.records), lines);
  }
}

/**
 * Records of schema 1 (bundles before format 3) as schema 2: `window` (the TCP window) becomes
 * `tcp_window`, in its place, so that a merge writes one schema.
 */
function* recordsOfSchema1(records: Iterable<LogRecord>): Generator<LogRecord> {
  for (const r of records) {
    if (!("window" in r) || "tcp_window" in r) {
      yield r;
      continue;
    }
    yield Object.fromEntries(
      Object.entries(r).map(([k, v]) => [k === "window" ? "tcp_window" : k, v]),
    ) as unknown as LogRecord;
  }
}

async function writeJson(path: string, value: unknown): Promise<void> {
  await writeFile(path, JSON.stringify(value, null, 2) + "\n");
}

function checkManifest(m: unknown): string | undefined {
  const o = m as Partial<BundleManifest> | null;
  if (typeof o !== "object" || o === null) return "expected a JSON object";
  if (typeof o.runbook?.name !== "string") return "runbook.name must be a string";
  if (typeof o.profile?.name !== "string") return "profile.name must be a string";
  if (typeof o.startedAt !== "string" || typeof o.endedAt !== "string")
    return "startedAt and endedAt must be ISO 8601 strings";
  if (!Array.isArray(o.hosts)) return "hosts must be an array";
  const unnamed = o.hosts.findIndex((h) => typeof h?.name !== "string");
  if (unnamed >= 0) return `hosts[${unnamed}].name must be a string`;
  if (o.steps !== undefined && !Array.isArray(o.steps)) return "steps must be an array";
  return undefined;
}
