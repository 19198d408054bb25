// /var/log/kern.log (Debian, Ubuntu) and /var/log/messages (RHEL): lines written by rsyslog.
// Position = byte offset of the first unread byte + the file's inode. Only complete lines are
// consumed (a line still being written is left for the next read). When the inode changed, the
// file was rotated: the rest of the old file is read if it is still there (kern.log.1,
// messages-YYYYMMDD), then the new file from its start.
// Line formats: "2024-05-01T12:34:56.123456+02:00 host kernel: msg" (rsyslog's high-precision
// format, Debian 12+) and "May  1 12:34:56 host kernel: [  447.891443] msg" (traditional).
import { MalformedAnswer } from "../../errors.js";
import { shQuote } from "../../shell/quote.js";
import { CLOCK_HEADER, checkInteger, containsFilter, splitFrame } from "./framing.js";
import type { FilePosition, ReadOptions, ReadOutcome, SourceItem, SourceOutputParser } from "./types.js";

const PATH = /^\/[A-Za-z0-9._/-]{1,255}$/;

export function checkLogPath(path: string): string {
  if (!PATH.test(path) || path.includes("/../"))
    throw new MalformedAnswer(`not an acceptable log file path: ${JSON.stringify(path)}`);
  return path;
}

function script(from: FilePosition, options: ReadOptions, records: boolean): string {
  const path = checkLogPath(from.path);
  const inode = checkInteger(from.inode, "inode");
  const offset = checkInteger(from.offset, "file offset", 0);
  const limit =
    options.until?.source === "file" && options.until.path === from.path && options.until.inode === from.inode
      ? checkInteger(options.until.offset, "end offset", 0)
      : -1;
  const filter = containsFilter(options.contains);
  return `# nfdebug: kernel lines of a syslog file after a saved byte offset
${CLOCK_HEADER}
printf 'Z\\t%s\\n' "$(date +%z 2>/dev/null)"
nfd_file=${shQuote(path)}
nfd_inode=${inode}
nfd_off=${offset}
nfd_limit=${limit}
nfd_inode_of() { ls -di "$1" 2>/dev/null | awk '{ print $1 }'; }
nfd_size_of() { wc -c < "$1" | tr -d ' '; }
# Bytes [from, to) of a file.
nfd_bytes() { tail -c +$(( $2 + 1 )) "$1" 2>/dev/null | head -c $(( $3 - $2 )); }
# Kernel lines of the input as "R <offset> <line>" (only complete lines); with an inode, then a
# P line: inode, base offset, bytes consumed.
nfd_lines() {
  ${filter.env}awk -v len="$1" -v base="$2" -v ino="$3" '
function emit(l) { if (index(l, " kernel: ") > 0) { $0 = l; if (${filter.condition}) printf "R\\t%.0f\\t%s\\n", base + consumed, l } }
BEGIN { consumed = 0; have = 0 }
{ cur = $0; if (have) { emit(prev); consumed += length(prev) + 1 } prev = cur; have = 1 }
END {
  if (have && consumed + length(prev) + 1 <= len) { emit(prev); consumed += length(prev) + 1 }
  if (ino != "") printf "P\\t%s\\t%s\\t%.0f\\n", ino, base, consumed
}'
}
if [ ! -r "$nfd_file" ]; then
  printf 'E\\tunavailable\\t%s\\n' "$nfd_file"
  printf 'P\\t%s\\t%s\\t0\\n' "$nfd_inode" "$nfd_off"
  exit 0
fi
nfd_ino=$(nfd_inode_of "$nfd_file")
nfd_size=$(nfd_size_of "$nfd_file")
if [ "$nfd_inode" -ge 0 ] && [ "$nfd_ino" != "$nfd_inode" ]; then
  nfd_found=
  for nfd_old in "$nfd_file.1" "$nfd_file"-*; do
    if [ -r "$nfd_old" ] && [ "$(nfd_inode_of "$nfd_old")" = "$nfd_inode" ]; then
      printf 'E\\trotated\\t%s\\n' "$nfd_old"
      nfd_osize=$(nfd_size_of "$nfd_old")
      nfd_bytes "$nfd_old" "$nfd_off" "$nfd_osize" | nfd_lines $(( nfd_osize - nfd_off )) "$nfd_off" ''
      nfd_found=1
      break
    fi
  done
  [ -n "$nfd_found" ] || printf 'E\\trotated_lost\\t%s\\n' "$nfd_file"
  nfd_off=0
elif [ "$nfd_size" -lt "$nfd_off" ]; then
  printf 'E\\ttruncated\\t%s\\n' "$nfd_off"
  nfd_off=0
fi
if [ "$nfd_limit" -ge 0 ] && [ "$nfd_ino" = "$nfd_inode" ] && [ "$nfd_limit" -lt "$nfd_size" ]; then nfd_size=$nfd_limit; fi
if [ ${records ? "1" : "0"} = 1 ]; then
  nfd_bytes "$nfd_file" "$nfd_off" "$nfd_size" | nfd_lines $(( nfd_size - nfd_off )) "$nfd_off" "$nfd_ino"
else
  printf 'P\\t%s\\t%s\\t0\\n' "$nfd_ino" "$nfd_size"
fi
`;
}

/** Snippet printing the kernel lines after `from` and the new position. */
export function fileReadScript(from: FilePosition, options: ReadOptions = {}): string {
  return script(from, options, true);
}

/** Snippet printing the file's current end (inode and size): the start position of a window. */
export function filePositionScript(path: string): string {
  return script({ source: "file", path, inode: -1, offset: 0 }, {}, false);
}

const MONTHS: Record<string, number> = {
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
    const frame = splitFrame(line);
    if (!frame) return null;
    const f = frame.fields;
    switch (frame.tag) {
      case "R": {
        const tab = line.indexOf("\t", 2);
        const parsed = tab > 0 ? parseSyslogLine(line.slice(tab + 1), this.now, this.utcOffsetMinutes) : null;
        if (!parsed) return null;
        this.items++;
        return {
          pos: `${this.from.path}:${line.slice(2, tab)}`,
          time: parsed.time,
          message: parsed.message,
          priority: null,
          facility: 0,
        };
      }
      case "Z": {
        const z = /^([+-])(\d\d)(\d\d)$/.exec(f[0] ?? "");
        if (z) this.utcOffsetMinutes = (z[1] === "-" ? -1 : 1) * (Number(z[2]) * 60 + Number(z[3]));
        return null;
      }
      case "E":
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
      case "P":
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
