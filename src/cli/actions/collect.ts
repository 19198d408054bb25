// nfdebug collect: the kernel log records of a window, per reason, per host, with counters.
import { collectHost, sharedKernelFilter, sharedKernelNote } from "../../engine/collect.js";
import { RecordFiles } from "../../engine/recordFiles.js";
import { summarise } from "../../engine/result.js";
import { LogAggregator } from "../../logs/aggregate.js";
import { RECORD_SCHEMA, type LogRecord } from "../../logs/record.js";
import type { FleetFlags } from "../fleetOptions.js";
import { openFleet, finishFleet } from "../fleetContext.js";
import { renderCollectSummary } from "../collectSummary.js";
import { checkWindowId } from "../windowOptions.js";

export async function collect(flags: FleetFlags & { window?: string; out?: string }): Promise<void> {
  const window = checkWindowId(flags.window);
  const fleet = await openFleet(flags);
  const aggregator = new LogAggregator({ topFlows: 5 });
  const files = flags.out ? new RecordFiles(flags.out) : undefined;
  const jsonRecords: LogRecord[] = [];
  const sink = sharedKernelFilter({
    record(record: LogRecord, raw: string) {
      aggregator.add(record);
      files?.write(record, raw);
      // --json without --out prints the records themselves; bounded by what one run collects.
      if (fleet.output.json && !files) jsonRecords.push(record);
    },
    capture: files ? (host, stem, header, records) => files.capture(host, stem, header, records) : undefined,
  });
  const outcomes = await fleet.run("collect", (conn) =>
    collectHost(conn, { window, timeoutMs: fleet.timeoutMs, sink }),
  );
  await files?.close();
  const summary = aggregator.summary();
  if (sink.duplicates > 0) fleet.output.warn(`nfdebug: note: ${sharedKernelNote(sink.duplicates)}`);
  if (!fleet.output.json) fleet.output.line(renderCollectSummary(summary, outcomes));
  const result = {
    ...summarise("collect", outcomes, window),
    records_summary: summary,
    shared_kernel_duplicates: sink.duplicates,
    record_schema: RECORD_SCHEMA,
    ...(files ? { out: flags.out } : { records: jsonRecords }),
  };
  finishFleet(fleet, result);
}
