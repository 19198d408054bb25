// `nfdebug parse` of a pcap/pcapng capture of an NFLOG group: records from its packets, read in
// pieces (memory holds one piece and at most one incomplete packet). The host is --host, else the
// file's name without its extension: bundles keep each host's capture as pcap/<host>.pcap.
import { basename, extname } from "node:path";
import { CaptureFormatError } from "../../capture/pcap.js";
import { streamCaptureRecords } from "../../capture/records.js";
import { InputError } from "../../errors.js";
import type { SavedInput } from "./inputs.js";
import { outsideWindow, type ReadSavedOptions, type SavedInputReport } from "./options.js";

export async function readCaptureInput(
  input: SavedInput,
  bytes: AsyncIterable<Buffer>,
  options: ReadSavedOptions,
  report: SavedInputReport,
): Promise<SavedInputReport> {
  const host =
    options.host ?? input.host ?? (input.path === null ? "stdin" : basename(input.path, extname(input.path)));
  const stream = streamCaptureRecords(bytes, host);
  try {
    for (let next = await stream.next(); ; next = await stream.next()) {
      if (next.done) {
        const totals = next.value;
        const notes = [report.note];
        if (totals.truncated)
          notes.push(`ends inside a packet after byte ${totals.consumed} (cut, or still being written)`);
        if (totals.skipped > 0)
          notes.push(`${totals.skipped} packet(s) of another link type than NFLOG, skipped`);
        const note = notes.filter(Boolean).join("; ");
        if (note) report.note = note;
        report.entries += totals.skipped;
        return report;
      }
      for (const record of next.value) {
        report.entries++;
        if (options.since !== undefined || options.until !== undefined) {
          if (record.time === null) report.undated++;
          else if (outsideWindow(record.time, options)) {
            report.outside++;
            continue;
          }
        }
        report.records++;
        const wait = options.onRecord(record);
        if (wait) await wait;
      }
    }
  } catch (err) {
    if (err instanceof CaptureFormatError)
      throw new InputError("", [{ file: input.label, line: 1, col: 1, message: err.message }]);
    throw err;
  }
}
