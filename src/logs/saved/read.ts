// Saved kernel logs → records: detect (or take) each input's format, read its messages, join the
// packet dump that dmesg and syslog files print on a line of its own, keep what the kernel wrote
// and what is conntrack's, and parse it. Streams: memory does not grow with the input.
import { InputError } from "../../errors.js";
import { conntrackShape, parseLogLine, type FullRecord } from "../parse.js";
import { parseDecoratedPrintk } from "../printk.js";
import { isCapture } from "../../capture/pcap.js";
import { readCaptureInput } from "./capture.js";
import { outsideWindow, type ReadSavedOptions, type SavedInputReport } from "./options.js";
import { detectFormat } from "./detect.js";
import { inputBytes, inputLines, type SavedInput } from "./inputs.js";
import { journalExportEntries } from "./journalExport.js";
import { journalEntryMessage, lineReader, type SavedFormat, type SavedMessage } from "./lineFormats.js";

export type { ReadSavedOptions, SavedInputReport } from "./options.js";

const SAMPLE_BYTES = 64 * 1024;

/** The first bytes (for detection) and all the bytes, without reading the input twice. */
async function sampled(
  bytes: AsyncGenerator<Buffer>,
): Promise<{ sample: string; head: Buffer; all: AsyncIterable<Buffer> }> {
  const head: Buffer[] = [];
  let size = 0;
  let done = false;
  while (size < SAMPLE_BYTES) {
    const next = await bytes.next();
    if (next.done) {
      done = true;
      break;
    }
    head.push(next.value);
    size += next.value.length;
  }
  const all: AsyncIterable<Buffer> = {
    async *[Symbol.asyncIterator]() {
      yield* head;
      if (!done) yield* bytes;
    },
  };
  const first = Buffer.concat(head);
  return { sample: first.toString("utf8"), head: first, all };
}

function hostOf(input: SavedInput, message: SavedMessage, options: ReadSavedOptions): string {
  return options.host ?? input.host ?? message.host ?? (input.path === null ? "stdin" : input.label);
}

export async function readSavedInput(
  input: SavedInput,
  options: ReadSavedOptions,
): Promise<SavedInputReport> {
  const { sample, head, all } = await sampled(inputBytes(input));
  const format = options.format ?? (isCapture(head) ? "pcap" : detectFormat(sample).format);
  const report: SavedInputReport = {
    label: input.label,
    format,
    chosen: options.format ? "forced" : "detected",
    ...(input.note ? { note: input.note } : {}),
    entries: 0,
    records: 0,
    userspace: 0,
    undated: 0,
    outside: 0,
  };
  if (format === "pcap") return readCaptureInput(input, all, options, report);
  let pending: SavedMessage | null = null;
  let pendingAt = 0;
  // Records of the current batch of lines, handed to onRecord after it (which may wait for stdout).
  const ready: FullRecord[] = [];
  const bounded = options.since !== undefined || options.until !== undefined;
  const contextOf = (m: SavedMessage, at: number) => ({
    host: hostOf(input, m, options),
    time: m.time,
    log_pos: m.pos ?? `${input.label}:${at}`,
  });
  const emit = (m: SavedMessage, at: number, decorated?: FullRecord) => {
    if (bounded) {
      if (m.time === null) report.undated++;
      else if (outsideWindow(m.time, options)) {
        report.outside++;
        return;
      }
    }
    report.records++;
    ready.push(decorated ?? parseLogLine(m.message, contextOf(m, at)));
  };
  const take = (m: SavedMessage | null, line: string | null, at: number) => {
    // A packet dump printed on its own line ("\n IN=…" in SCTP's reasons) belongs to the line before.
    if (pending && line !== null) {
      const rest = (m?.message ?? line).trimStart();
      if (rest.startsWith("IN=")) {
        pending = { ...pending, message: `${pending.message.trimEnd()}\n ${rest}` };
        return;
      }
    }
    if (pending) {
      emit(pending, pendingAt);
      pending = null;
    }
    if (m === null) return;
    const shape = conntrackShape(m.message);
    if (shape === null) {
      const printk = m.fromKernel ? parseDecoratedPrintk(m.message, contextOf(m, at)) : null;
      if (printk) emit(m, at, printk);
    } else if (!m.fromKernel) report.userspace++;
    else if (shape === "no-dump") {
      // No dump yet: the next line may carry it.
      pending = m;
      pendingAt = at;
    } else emit(m, at);
  };
  const hand = async () => {
    for (const record of ready) {
      const wait = options.onRecord(record);
      if (wait) await wait;
    }
    ready.length = 0;
  };

  if (format === "journal-export") {
    for await (const entry of journalExportEntries(all)) {
      report.entries++;
      take(journalEntryMessage(entry), null, report.entries);
      if (ready.length >= 1024) await hand();
    }
  } else {
    const read = lineReader(format, input.latest);
    for await (const lines of inputLines(all)) {
      for (const line of lines) take(read(line), line, ++report.entries);
      await hand();
    }
  }
  take(null, null, report.entries);
  await hand();
  if (report.entries === 0 && input.path !== null && sample === "")
    report.note = [report.note, `${input.label} is empty`].filter(Boolean).join("; ");
  return report;
}

export function checkFormat(name: string | undefined, formats: readonly string[]): SavedFormat | undefined {
  if (name === undefined) return undefined;
  if (!formats.includes(name))
    throw new InputError(`--format ${name}: not a format nfdebug reads (${formats.join(", ")})`);
  return name as SavedFormat;
}
