// Kernel log sources and the positions that bound a collection window exactly.
// Every source is read by a POSIX sh function run on the host (through Connection.runScript) whose
// stdout is in the host protocol (src/shell/frame.ts); a pure parser turns it back into items and
// the position to continue from. Positions are plain JSON so the engine can store them per window.

export type SourceKind = "journald" | "kmsg" | "dmesg" | "file";

/** journald: the cursor of the last entry read (null: from the start of the current boot). */
export interface JournaldPosition {
  source: "journald";
  boot_id: string | null;
  cursor: string | null;
}

/**
 * /dev/kmsg: the sequence number of the last record read (-1: before the first), or, for a
 * window's start and end, the text of the marker record nfdebug wrote there (seq -1): the record
 * just before the window's first line, or at its end.
 */
export interface KmsgPosition {
  source: "kmsg";
  boot_id: string;
  seq: number;
  marker?: string;
}

/**
 * dmesg: the kernel timestamp (µs since boot) of the last record read, and how many records with
 * exactly that timestamp were read (several records can share one).
 */
export interface DmesgPosition {
  source: "dmesg";
  boot_id: string;
  usec: number;
  same: number;
}

/** A syslog file: byte offset of the first unread byte, and the inode it belongs to (rotation). */
export interface FilePosition {
  source: "file";
  path: string;
  inode: number;
  offset: number;
}

export type LogPosition = JournaldPosition | KmsgPosition | DmesgPosition | FilePosition;

/** One kernel message as read from a source. */
export interface SourceItem {
  /** Position of this message, as a string for LogRecord.log_pos (seq, cursor, usec, offset). */
  pos: string;
  /** ISO 8601 wall time, or null when the source does not allow it. */
  time: string | null;
  /** The message text, without source prefixes (syslog header, dmesg timestamp, kmsg header). */
  message: string;
  /** Syslog level 0..7 when known (INVALID lines are 5, pr_debug 7). */
  priority: number | null;
  /** Syslog facility when known; 0 is the kernel itself (anything else was written by userspace). */
  facility: number | null;
}

export interface ReadOutcome {
  /** Where the next read continues. */
  position: LogPosition;
  /** Records known to be lost (kmsg sequence gaps); null when the source cannot count them. */
  lost: number | null;
  /** Human-readable notes: ring buffer wrapped, cursor not found, host rebooted, file rotated. */
  warnings: string[];
  /** Items yielded (after the start position, up to the end position). */
  items: number;
}

/** Turns a reader's stdout, line by line, into items and finally the outcome. */
export interface SourceOutputParser {
  /** Feed one stdout line (without its newline); returns the item it carried, if any. */
  push(line: string): SourceItem | null;
  /** After the last line: the new position and what went missing. Throws when the output is incomplete. */
  finish(): ReadOutcome;
}

export interface ReadOptions {
  /** Stop at this position (the window's end): later messages are left for nobody. */
  until?: LogPosition;
  /** Only pass messages containing one of these fixed strings (positions still advance over all). */
  contains?: string[];
}
