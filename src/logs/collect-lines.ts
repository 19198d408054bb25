// The glue between a log reader's stdout and records: hand `onLine` to
// Connection.runScript({ onStdoutLine }) and records come out one at a time, so a window with
// 100,000 lines is never held in memory. Kernel messages that are neither conntrack INVALID lines
// nor lines of the profile's printk sites are skipped (the kernel log has much else in it).
import { parseLogLine, type FullRecord } from "./parse.js";
import { parsePrintkLine, type KernelMessageClass } from "./printk.js";
import type { ReadOutcome, SourceItem, SourceOutputParser } from "./sources/types.js";

export interface CollectOptions {
  host: string;
  /** From createKernelMessageClassifier(sites of the profile's printk selectors). */
  classify: (message: string) => KernelMessageClass | null;
  onRecord: (record: FullRecord, item: SourceItem) => void;
  /** Every kernel message read, kept or not (for raw/<host>.log). */
  onMessage?: (item: SourceItem) => void;
}

export interface CollectOutcome extends ReadOutcome {
  /** Records produced. */
  records: number;
  /** Messages written by userspace into the kernel log (facility ≠ 0), which are never records. */
  userspace: number;
}

export interface LineCollector {
  onLine(line: string): void;
  finish(): CollectOutcome;
}

export function collectLines(parser: SourceOutputParser, options: CollectOptions): LineCollector {
  let records = 0;
  let userspace = 0;
  return {
    onLine(line) {
      const item = parser.push(line);
      if (!item) return;
      options.onMessage?.(item);
      // Anyone with write access to /dev/kmsg can log text that looks like conntrack's.
      if (item.facility !== null && item.facility !== 0) {
        userspace++;
        return;
      }
      const kind = options.classify(item.message);
      if (!kind) return;
      const ctx = { host: options.host, time: item.time, log_pos: item.pos };
      const record =
        kind.kind === "invalid" ? parseLogLine(item.message, ctx) : parsePrintkLine(item.message, ctx, kind);
      records++;
      options.onRecord(record, item);
    },
    finish() {
      return { ...parser.finish(), records, userspace };
    },
  };
}
