// One entry point over the four sources: the command that marks a window's start, the script that
// reads after a position, and the parser for either's output.
import { MalformedAnswer } from "../../errors.js";
import type { DetectedSource } from "./detect.js";
import { DMESG_SH, DmesgOutputParser, dmesgPositionCall, dmesgReadScript } from "./dmesg.js";
import { JOURNALD_SH, JournaldOutputParser, journaldPositionCall, journaldReadScript } from "./journald.js";
import { KMSG_SH, KmsgOutputParser, kmsgPositionCall, kmsgReadScript } from "./kmsg.js";
import { FILE_SH, FileOutputParser, filePositionCall, fileReadScript } from "./syslog-file.js";
import type { LogPosition, ReadOptions, SourceOutputParser } from "./types.js";

/** A reader's shell file and the call that runs it (for a script with frame.sh and source.sh). */
export interface SourceCommand {
  file: URL;
  command: string;
}

/** The command printing the current end of the source's log: where a window starts. */
export function startPosition(source: DetectedSource): SourceCommand {
  switch (source.kind) {
    case "journald":
      return { file: JOURNALD_SH, command: journaldPositionCall() };
    case "kmsg":
      return { file: KMSG_SH, command: kmsgPositionCall() };
    case "dmesg":
      return { file: DMESG_SH, command: dmesgPositionCall() };
    case "file":
      if (!source.detail) throw new Error("a file source needs its path");
      return { file: FILE_SH, command: filePositionCall(source.detail) };
  }
}

/**
 * The command recording a window's start or end: kmsg writes a marker record (nfd_kmsg_mark)
 * instead of reading the whole buffer; the other sources print their position.
 */
export function windowMark(source: DetectedSource): SourceCommand {
  return source.kind === "kmsg" ? { file: KMSG_SH, command: "nfd_kmsg_mark" } : startPosition(source);
}

/** Parser for startPosition's (or windowMark's) output; its finish().position is the window's start. */
export function startPositionParser(source: DetectedSource): SourceOutputParser {
  switch (source.kind) {
    case "journald":
      return new JournaldOutputParser(null, { positionOnly: true });
    case "kmsg":
      return new KmsgOutputParser(null);
    case "dmesg":
      return new DmesgOutputParser(null);
    case "file":
      return new FileOutputParser({ source: "file", path: source.detail ?? "", inode: -1, offset: 0 });
  }
}

/** Script printing the messages after `from` (up to options.until) and the new position. */
export function readScript(from: LogPosition, options: ReadOptions = {}): string {
  switch (from.source) {
    case "journald":
      return journaldReadScript(from, options);
    case "kmsg":
      return kmsgReadScript(from, options);
    case "dmesg":
      return dmesgReadScript(from, options);
    case "file":
      return fileReadScript(from, options);
  }
}

/** Parser for readScript(from, options)'s output. */
export function readParser(from: LogPosition, options: ReadOptions = {}): SourceOutputParser {
  switch (from.source) {
    case "journald":
      return new JournaldOutputParser(from, options);
    case "kmsg":
      return new KmsgOutputParser(from);
    case "dmesg":
      return new DmesgOutputParser(from);
    case "file":
      return new FileOutputParser(from);
  }
}

const SOURCES: ReadonlyArray<LogPosition["source"]> = ["journald", "kmsg", "dmesg", "file"];

/**
 * A position the engine stored on the host (a window's collected.json) comes back as host data:
 * JSON of a known source, or a MalformedAnswer. Its fields are checked where they enter a script.
 */
export function parseStoredPosition(text: string): LogPosition {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new MalformedAnswer(`the stored log position is not JSON: ${JSON.stringify(text.slice(0, 80))}`, {
      cause: err,
    });
  }
  const source = typeof value === "object" && value !== null ? (value as { source?: unknown }).source : null;
  if (!SOURCES.includes(source as LogPosition["source"]))
    throw new MalformedAnswer(
      `the stored log position has no known source: ${JSON.stringify(text.slice(0, 80))}`,
    );
  return value as LogPosition;
}
