// What reading one saved input is asked to do, and what it reports: shared by the log reader
// (read.ts) and the capture reader (capture.ts).
import type { FullRecord } from "../parse.js";
import type { SavedFormat } from "./lineFormats.js";

export interface ReadSavedOptions {
  format?: SavedFormat;
  /** Host name for every record; else the log's own (syslog, journal), else the input's. */
  host?: string;
  since?: Date;
  until?: Date;
  onRecord: (record: FullRecord) => void | Promise<void>;
}

export interface SavedInputReport {
  label: string;
  format: SavedFormat;
  /** "detected" from the first lines, or "forced" by --format. */
  chosen: "detected" | "forced";
  note?: string;
  /** Log entries read (lines, or journal entries). */
  entries: number;
  records: number;
  /** Conntrack-looking lines that userspace wrote (logger -t kernel, /dev/kmsg): never records. */
  userspace: number;
  /** Records without a wall time, kept although --since/--until could not place them. */
  undated: number;
  /** Records outside --since/--until. */
  outside: number;
}

/** Whether --since/--until leave out a record with this time (records without one are kept). */
export function outsideWindow(time: string | null, options: ReadSavedOptions): boolean {
  if (time === null) return false;
  const t = new Date(time);
  return (
    (options.since !== undefined && t < options.since) || (options.until !== undefined && t > options.until)
  );
}
