// What of a runbook's bundle must not depend on how the run was split into shards (merge.test.ts,
// shards.test.ts).
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import type { LogRecord } from "../../../src/logs/record.js";
import type { BundleCounters, BundleManifest } from "../../../src/report/bundle.js";
import { readJsonLines } from "./collectProbe.js";

export const json = <T>(file: string): T => JSON.parse(readFileSync(file, "utf8")) as T;

export function bundleShape(out: string) {
  const manifest = json<BundleManifest>(join(out, "manifest.json"));
  const records = readJsonLines<LogRecord>(join(out, "records.jsonl"));
  const perReason: Record<string, number> = {};
  for (const r of records) perReason[r.reason_id] = (perReason[r.reason_id] ?? 0) + 1;
  const counters = json<BundleCounters>(join(out, "counters.json"));
  return {
    hosts: manifest.hosts.map((h) => [h.name, h.ok, h.reverted]).sort(),
    // Notes say how the lines were gathered (a shared kernel log, a merge), which does depend on it.
    steps: manifest.steps.filter((s) => s.name !== "note").map((s) => [s.name, s.ok]),
    perReason,
    // Each namespace's counters: which exist, and its invalid Δ (its own 10 packets).
    counters: counters.hosts
      .map((h) => [h.host, Object.keys(h.counters).sort().join(","), h.counters.invalid])
      .sort(),
    exec: readdirSync(join(out, "exec")).sort(),
  };
}
