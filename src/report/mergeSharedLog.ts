// Shards whose hosts read one kernel log (namespaces or containers of one machine) each collect
// the lines the other shards' hosts caused while their windows overlapped. A collect keeps each
// line of a kernel log once (engine/sharedKernel.ts); merge does the same across bundles: a record
// whose kernel log position an earlier bundle already has is dropped, from records.jsonl and from
// its host's records/ and raw/ files alike. Records without a position (dmesg-only hosts) cannot
// be matched and are kept; the note says so when any were.
import { createReadStream } from "node:fs";
import { appendFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { createInterface } from "node:readline";
import type { LogRecord } from "../logs/record.js";
import type { SourceBundle } from "./mergeBundles.js";

export interface SharedLogPlan {
  /** host → its kernel log, for hosts whose log hosts of another bundle also read. */
  kernelOf: Map<string, string>;
  /** Per bundle (in the given order), the keys of its records that an earlier bundle has. */
  dropped: Set<string>[];
  droppedCount: number;
  /** Records on a shared log with no position to match them by. */
  unmatchable: number;
}

/** The kernel logs read by hosts of two or more bundles, as host → log. */
function sharedLogHosts(sources: SourceBundle[]): Map<string, string> {
  const bundlesOf = new Map<string, Set<number>>();
  sources.forEach((s, i) => {
    for (const h of s.input.hosts)
      if (h.kernelLog) bundlesOf.set(h.kernelLog, (bundlesOf.get(h.kernelLog) ?? new Set()).add(i));
  });
  const kernelOf = new Map<string, string>();
  for (const s of sources)
    for (const h of s.input.hosts)
      if (h.kernelLog && bundlesOf.get(h.kernelLog)!.size > 1) kernelOf.set(h.name, h.kernelLog);
  return kernelOf;
}

const keyOf = (kernelOf: Map<string, string>, r: LogRecord): string | undefined => {
  const log = kernelOf.get(r.host);
  return log !== undefined && r.log_pos !== undefined ? `${log}\n${r.log_pos}` : undefined;
};

async function* linesOf(path: string): AsyncGenerator<string> {
  const stream = createReadStream(path);
  try {
    for await (const line of createInterface({ input: stream, crlfDelay: Infinity })) yield line;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
  } finally {
    stream.destroy();
  }
}

/** Reads every bundle's records.jsonl once, deciding which records an earlier bundle already has. */
export async function planSharedLog(sources: SourceBundle[], recordsFile: string): Promise<SharedLogPlan> {
  const kernelOf = sharedLogHosts(sources);
  const plan: SharedLogPlan = { kernelOf, dropped: [], droppedCount: 0, unmatchable: 0 };
  const seen = new Set<string>();
  for (const s of sources) {
    const dropped = new Set<string>();
    const mine: string[] = [];
    if (kernelOf.size > 0)
      for await (const line of linesOf(join(s.dir, recordsFile))) {
        if (line.trim() === "") continue;
        const record = JSON.parse(line) as LogRecord;
        const key = keyOf(kernelOf, record);
        if (key === undefined) {
          if (kernelOf.has(record.host) && record.source !== "nflog") plan.unmatchable++;
        } else if (seen.has(key)) dropped.add(key);
        else mine.push(key);
      }
    for (const key of mine) seen.add(key);
    plan.dropped.push(dropped);
    plan.droppedCount += dropped.size;
  }
  return plan;
}

/**
 * Appends `from` (a JSON Lines file of records) to `to` without the records in `dropped`; with
 * `raw`, also copies that host's raw lines in step (one per record, none for an NFLOG record).
 */
export async function appendRecordsWithout(
  from: string,
  to: string,
  dropped: Set<string>,
  kernelOf: Map<string, string>,
  raw?: { from: string; to: string },
): Promise<void> {
  const rawLines = raw ? linesOf(raw.from)[Symbol.asyncIterator]() : undefined;
  if (raw) await writeFile(raw.to, "", { flag: "wx" });
  let kept = "";
  let keptRaw = "";
  const flush = async () => {
    await appendFile(to, kept);
    if (raw) await appendFile(raw.to, keptRaw);
    kept = keptRaw = "";
  };
  for await (const line of linesOf(from)) {
    if (line.trim() === "") continue;
    const record = JSON.parse(line) as LogRecord;
    const rawLine = rawLines && record.source !== "nflog" ? await rawLines.next() : undefined;
    const key = keyOf(kernelOf, record);
    if (key !== undefined && dropped.has(key)) continue;
    kept += `${line}\n`;
    if (rawLine && !rawLine.done) keptRaw += `${rawLine.value}\n`;
    if (kept.length > 1 << 20) await flush();
  }
  await flush();
}

export function sharedLogNote(plan: SharedLogPlan): string | undefined {
  if (plan.droppedCount === 0 && plan.unmatchable === 0) return undefined;
  const logs = [...new Set(plan.kernelOf.values())].join(", ");
  const kept =
    plan.droppedCount > 0
      ? `${plan.droppedCount} line(s) that hosts of more than one bundle read from one kernel log (${logs}) are kept once, for the bundle given first`
      : `hosts of more than one bundle read one kernel log (${logs})`;
  const unmatched =
    plan.unmatchable > 0
      ? `; ${plan.unmatchable} record(s) there carry no log position, so a line read by two bundles may be counted twice`
      : "";
  return kept + unmatched;
}
