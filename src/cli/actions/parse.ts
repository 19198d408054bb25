// nfdebug parse: records from kernel logs someone already saved, with no hosts and no changes.
import { parseDuration } from "../../duration.js";
import { InputError } from "../../errors.js";
import { RecordFiles } from "../../engine/recordFiles.js";
import { LogAggregator } from "../../logs/aggregate.js";
import type { FullRecord } from "../../logs/parse.js";
import { resolveInputs } from "../../logs/saved/inputs.js";
import { SAVED_FORMATS } from "../../logs/saved/lineFormats.js";
import { checkFormat, readSavedInput, type SavedInputReport } from "../../logs/saved/read.js";
import { writeBundle } from "../../report/bundle.js";
import { reasonInfoOf } from "../../report/reasonInfo.js";
import { ReportBuilder } from "../../report/summary.js";
import { renderReports } from "../../report/write-reports.js";
import { NFDEBUG_VERSION } from "../../version.js";
import { reasonLines } from "../collectSummary.js";
import { createOutput } from "../output.js";
import { keepStreamingHeapSmall } from "../streamingHeap.js";

export interface ParseFlags {
  format?: string;
  host?: string;
  since?: string;
  until?: string;
  json?: boolean;
  out?: string;
}

/** An ISO 8601 time, or a duration ("2h") meaning that long before now. */
function timeBound(option: string, text: string | undefined, now: Date): Date | undefined {
  if (text === undefined) return undefined;
  const ago = parseDuration(text);
  if (ago !== undefined) return new Date(now.getTime() - ago);
  const t = new Date(text);
  if (Number.isNaN(t.getTime()))
    throw new InputError(
      `${option} ${text}: expected an ISO 8601 time (2026-12-04T10:00:00Z) or a duration (2h)`,
    );
  return t;
}

/** JSON Lines on stdout, waiting for the pipe to drain rather than queueing without bound. */
function jsonLinesWriter() {
  let pending = "";
  const flush = async () => {
    if (pending === "") return;
    const ok = process.stdout.write(pending);
    pending = "";
    if (!ok) await new Promise((resolve) => process.stdout.once("drain", resolve));
  };
  return {
    async write(record: FullRecord) {
      pending += JSON.stringify(record) + "\n";
      if (pending.length >= 64 * 1024) await flush();
    },
    flush,
  };
}

function inputLine(r: SavedInputReport, inputNote?: string): string {
  const parts = [`${r.label}: ${r.format} (${r.chosen})`, `${r.entries} entries`, `${r.records} record(s)`];
  // What reading found (a capture cut inside a packet), beyond the note printed before reading.
  if (r.note && r.note !== inputNote) parts.push(r.note.replace(`${inputNote ?? ""}; `, ""));
  if (r.userspace > 0) parts.push(`${r.userspace} conntrack-looking line(s) written by userspace, skipped`);
  if (r.outside > 0) parts.push(`${r.outside} outside --since/--until`);
  if (r.undated > 0) parts.push(`${r.undated} without a wall time, kept`);
  return parts.join(", ");
}

export async function parse(paths: string[], flags: ParseFlags): Promise<void> {
  keepStreamingHeapSmall();
  const output = createOutput(false);
  const now = new Date();
  const format = checkFormat(flags.format, SAVED_FORMATS);
  const since = timeBound("--since", flags.since, now);
  const until = timeBound("--until", flags.until, now);
  const inputs = await resolveInputs(paths);
  const aggregator = new LogAggregator({ topFlows: 5 });
  const files = flags.out ? new RecordFiles(flags.out) : undefined;
  // The report is built as records arrive: reading records.jsonl back would cost a second pass.
  const builder = flags.out ? new ReportBuilder() : undefined;
  const json = flags.json ? jsonLinesWriter() : undefined;
  const reports: SavedInputReport[] = [];
  let first: string | null = null;
  let last: string | null = null;
  for (const input of inputs) {
    if (input.note) output.warn(`nfdebug: ${input.note}`);
    const report = await readSavedInput(input, {
      format,
      host: flags.host,
      since,
      until,
      onRecord: async (record) => {
        aggregator.add(record);
        if (record.time) {
          if (first === null || record.time < first) first = record.time;
          if (last === null || record.time > last) last = record.time;
        }
        files?.write(record, record.raw);
        builder?.add(record);
        await json?.write(record);
      },
    });
    reports.push(report);
    output.warn(`nfdebug: ${inputLine(report, input.note)}`);
  }
  await json?.flush();
  await files?.close();
  const summary = aggregator.summary();
  if (flags.out) {
    const startedAt = first ?? now.toISOString();
    const endedAt = last ?? startedAt;
    const run = {
      runbook: {
        name: "parse",
        question: `What do these saved kernel logs say? ${inputs.map((i) => i.label).join(", ")}`,
      },
      profile: { name: "none (saved logs)" },
      startedAt,
      endedAt,
      hosts: [],
      steps: reports.map((r) => ({
        name: "parse",
        ok: true,
        startedAt,
        endedAt,
        message: inputLine(r),
      })),
      reasonInfo: reasonInfoOf(summary),
      nfdebugVersion: NFDEBUG_VERSION,
    };
    await writeBundle(
      flags.out,
      { ...run, records: [] },
      { commandLine: process.argv.slice(2), recordsWritten: true },
    );
    const written = await renderReports(flags.out, builder!.build(run));
    output.warn(`nfdebug: wrote ${written.summary} and ${written.html}`);
  }
  if (json) return;
  output.line(`${summary.total} record(s) from ${summary.hosts.length} host(s)`);
  output.line(reasonLines(summary).join("\n"));
}
