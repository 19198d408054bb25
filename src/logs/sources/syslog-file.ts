// /var/log/kern.log (Debian, Ubuntu) and /var/log/messages (RHEL): lines written by rsyslog.
// Position = byte offset of the first unread byte + the file's inode. Only complete lines are
// consumed (a line still being written is left for the next read). When the inode changed, the
// file was rotated: the rest of the old file is read if it is still there (kern.log.1,
// messages-YYYYMMDD), then the new file from its start.
// Line formats: "2024-05-01T12:34:56.123456+02:00 host kernel: msg" (rsyslog's high-precision
// format, Debian 12+) and "May  1 12:34:56 host kernel: [  447.891443] msg" (traditional).
import { MalformedAnswer } from "../../errors.js";
import { parseFrame } from "../../shell/frame.js";
import { call } from "../../shell/quote.js";
import { checkInteger, sourceScript } from "./framing.js";
import type { FilePosition, ReadOptions, ReadOutcome, SourceItem, SourceOutputParser } from "./types.js";

const PATH = /^\/[A-Za-z0-9._/-]{1,255}$/;

export function checkLogPath(path: string): string {
  if (!PATH.test(path) || path.includes("/../"))
    throw new MalformedAnswer(`not an acceptable log file path: ${JSON.stringify(path)}`);
  return path;
}

export const FILE_SH = new URL("./syslog-file.sh", import.meta.url);

function readCall(from: FilePosition, options: ReadOptions, records: boolean): string {
  const path = checkLogPath(from.path);
  const inode = checkInteger(from.inode, "inode");
  const offset = checkInteger(from.offset, "file offset", 0);
  const limit =
    options.until?.source === "file" && options.until.path === from.path && options.until.inode === from.inode
      ? checkInteger(options.until.offset, "end offset", 0)
      : -1;
  const args = [records ? 1 : 0, path, inode, offset, limit, ...(options.contains ?? [])];
  return call("nfd_file_read", ...args);
}

/** Script printing the kernel lines after `from` and the new position. */
export function fileReadScript(from: FilePosition, options: ReadOptions = {}): string {
  return sourceScript(FILE_SH, readCall(from, options, true));
}

/** nfd_file_read printing the file's current end (inode and size): the start position of a window. */
export function filePositionCall(path: string): string {
  return readCall({ source: "file", path, inode: -1, offset: 0 }, {}, false);
}

export const MONTHS: Record<string, number> = {
  Jan: 0,
  Feb: 1,
  Mar: 2,
  Apr: 3,
  May: 4,
  Jun: 5,
  Jul: 6,
  Aug: 7,
  Sep: 8,
  Oct: 9,
  Nov: 10,
  Dec: 11,
};
const RFC3339 = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:?\d\d)) /;
const TRADITIONAL = /^([A-Z][a-z]{2}) +(\d{1,2}) (\d\d):(\d\d):(\d\d) /;
const KERNEL_TIMESTAMP = /^\[ *\d+\.\d+\] /;

/**
 * Split a syslog line into its time and the kernel message; null when it is not a kernel line.
 * Traditional timestamps have no year or zone: the host's local time is assumed to be UTC unless
 * `utcOffsetMinutes` says otherwise, and the year is the one that puts the line not after `now`.
 */
export function parseSyslogLine(
  line: string,
  now: Date = new Date(),
  utcOffsetMinutes = 0,
): { time: string | null; message: string } | null {
  const at = line.indexOf(" kernel: ");
  if (at < 0) return null;
  let message = line.slice(at + 9);
  const stamp = KERNEL_TIMESTAMP.exec(message);
  if (stamp) message = message.slice(stamp[0].length);
  let time: string | null = null;
  const iso = RFC3339.exec(line);
  if (iso) {
    const t = new Date(iso[1]);
    time = Number.isNaN(t.getTime()) ? null : t.toISOString();
  } else {
    const m = TRADITIONAL.exec(line);
    if (m && MONTHS[m[1]] !== undefined) {
      let year = now.getUTCFullYear();
      const at = (y: number) =>
        Date.UTC(y, MONTHS[m[1]], Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5])) -
        utcOffsetMinutes * 60_000;
      if (at(year) > now.getTime() + 86_400_000) year--;
      time = new Date(at(year)).toISOString();
    }
  }
  return { time, message };
}

export class FileOutputParser implements SourceOutputParser {
  /** The host's UTC offset, for traditional timestamps (local time without a zone). */
  private utcOffsetMinutes = 0;
  private position: FilePosition | null = null;
  private lost: number | null = 0;
  private readonly warnings: string[] = [];
  private items = 0;

  constructor(
    private readonly from: FilePosition,
    private readonly now: Date = new Date(),
  ) {}

  push(line: string): SourceItem | null {
    const frame = parseFrame(line);
    if (!frame) return null;
    const f = frame.fields;
    switch (frame.tag) {
      case "R": {
        // The record is "OFFSET<TAB>LINE".
        const tab = f[0].indexOf("\t");
        const parsed = tab > 0 ? parseSyslogLine(f[0].slice(tab + 1), this.now, this.utcOffsetMinutes) : null;
        if (!parsed) return null;
        this.items++;
        return {
          pos: `${this.from.path}:${f[0].slice(0, tab)}`,
          time: parsed.time,
          message: parsed.message,
          priority: null,
          facility: 0,
        };
      }
      case "zone": {
        const z = /^([+-])(\d\d)(\d\d)$/.exec(f[0] ?? "");
        if (z) this.utcOffsetMinutes = (z[1] === "-" ? -1 : 1) * (Number(z[2]) * 60 + Number(z[3]));
        return null;
      }
      case "warn":
        if (f[0] === "rotated")
          this.warnings.push(`${this.from.path} was rotated; read the rest of ${f[1]} first`);
        else if (f[0] === "rotated_lost") {
          this.lost = null;
          this.warnings.push(`${this.from.path} was rotated and the old file is gone; lines may be missing`);
        } else if (f[0] === "truncated") {
          this.lost = null;
          this.warnings.push(
            `${this.from.path} is shorter than the saved offset ${f[1]} (truncated); reading it from the start`,
          );
        } else this.warnings.push(`${f[1] ?? this.from.path} is not readable`);
        return null;
      case "pos":
        this.position = {
          source: "file",
          path: this.from.path,
          inode: Number(f[0]),
          offset: Number(f[1]) + Number(f[2]),
        };
        return null;
      default:
        return null;
    }
  }

  finish(): ReadOutcome {
    if (!this.position || !Number.isSafeInteger(this.position.offset)) {
      throw new MalformedAnswer(`the ${this.from.path} reader's output is incomplete (no position line)`);
    }
    return { position: this.position, lost: this.lost, warnings: this.warnings, items: this.items };
  }
}
