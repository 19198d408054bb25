// /dev/kmsg: one record per read(), "prio,seq,usec,flags;message", followed by dictionary lines
// that start with a space. Sequence numbers bound a window exactly and show when the ring buffer
// overwrote records before they were read (first sequence still present > saved + 1).
// Reading /dev/kmsg blocks at its end, so it is read non-blocking with GNU dd (one record per
// read; 16 KiB covers the largest record), or for at most a second with `timeout` otherwise.
// NFD_KMSG_READ=dd (set by a window's marks when source detection found dd working) skips the probe.
// A window's start and end are not read but written: a marker record ("nfdebug: window ID start
// NONCE"), one builtin printf to /dev/kmsg instead of reading the whole buffer to find its newest
// sequence number. A read then starts after the start marker and stops at the end marker. The
// nonce tells apart hosts sharing one ring buffer (namespaces of one machine, one window id).
import { MalformedAnswer } from "../../errors.js";
import { shQuote } from "../../shell/quote.js";
import {
  CLOCK_HEADER,
  checkBootId,
  checkInteger,
  containsFilter,
  monotonicToIso,
  parseClock,
  splitFrame,
  unescapeKmsg,
  type HostClock,
} from "./framing.js";
import type { KmsgPosition, ReadOptions, ReadOutcome, SourceItem, SourceOutputParser } from "./types.js";

/** "nfdebug: window <id> start|end <pid>.<epoch seconds>[.<ns>]" (the window id as in WINDOW_ID). */
const MARKER =
  /^nfdebug: window [0-9]{8}T[0-9]{6}-[0-9a-f]{4} (start|end) [0-9]{1,10}\.[0-9]{1,20}(\.[0-9]{1,9})?$/;
/** Any window's marker, of this host or another sharing the buffer: never a log record. */
const ANY_MARKER_AWK = "/^nfdebug: window [0-9]+T[0-9]+-[0-9a-f]+ (start|end) [0-9.]+$/";

/** Markers come from the host and go back into scripts: accept only nfdebug's own format. */
export function checkKmsgMarker(marker: string): string {
  if (!MARKER.test(marker))
    throw new MalformedAnswer(`not an nfdebug kmsg marker: ${JSON.stringify(marker)}`);
  return marker;
}

function script(from: KmsgPosition | null, options: ReadOptions, records: boolean): string {
  const seq = from ? checkInteger(from.seq, "kmsg sequence number") : -1;
  const boot = from ? checkBootId(from.boot_id) : "";
  const startMark = from?.marker !== undefined ? checkKmsgMarker(from.marker) : "";
  const end = options.until?.source === "kmsg" ? options.until : undefined;
  const endMark = end?.marker !== undefined ? checkKmsgMarker(end.marker) : "";
  const until =
    end && end.marker === undefined ? String(checkInteger(end.seq, "kmsg end sequence number")) : "";
  const filter = containsFilter(options.contains);
  return `# nfdebug: kernel records from /dev/kmsg after sequence number ${seq}
${CLOCK_HEADER}
nfd_from=${seq}
nfd_smark=${shQuote(startMark)}
nfd_emark=${shQuote(endMark)}
nfd_saved_boot='${boot}'
if [ -n "$nfd_saved_boot" ] && [ "$nfd_boot" != "$nfd_saved_boot" ]; then
  printf 'E\\tboot_changed\\t%s\\n' "$nfd_saved_boot"
  nfd_from=-1
  nfd_smark=
fi
if [ ! -r /dev/kmsg ]; then
  printf 'E\\tunavailable\\t/dev/kmsg is not readable\\n'
  printf 'P\\t%s\\n' "$nfd_from"
  exit 0
fi
nfd_read() {
  if [ "\${NFD_KMSG_READ:-}" = dd ] || dd if=/dev/kmsg iflag=nonblock bs=16384 count=0 2>/dev/null; then
    dd if=/dev/kmsg iflag=nonblock bs=16384 2>/dev/null
  else
    timeout 1 cat /dev/kmsg 2>/dev/null
  fi
  return 0
}
# Before the start marker is seen, records are kept: when it is gone (the buffer wrapped), the
# read starts at the oldest record instead.
nfd_read | NFD_SMARK="$nfd_smark" NFD_EMARK="$nfd_emark" ${filter.env}awk -v from="$nfd_from" -v until='${until}' -v records=${records ? 1 : 0} '
BEGIN { first = ""; last = ""; smark = ENVIRON["NFD_SMARK"]; emark = ENVIRON["NFD_EMARK"]; started = smark == ""; ended = 0; n = 0 }
/^ / { next }
{
  semi = index($0, ";")
  if (semi == 0) next
  split(substr($0, 1, semi - 1), h, ",")
  seq = h[2]
  if (first == "") { first = seq; printf "F\\t%s\\n", seq }
  if (ended) next
  msg = substr($0, semi + 1)
  if (emark != "" && msg == emark) { ended = 1; endseq = seq; next }
  if (!started) {
    if (msg == smark) { started = 1; n = 0; last = seq; next }
    if (until != "" && seq + 0 > until + 0) next
    n++; kept_seq[n] = seq; kept[n] = ""
    if (records && msg !~ ${ANY_MARKER_AWK} && ${filter.condition}) kept[n] = $0
    next
  }
  if (seq + 0 <= from + 0) next
  if (until != "" && seq + 0 > until + 0) next
  last = seq
  if (records && msg !~ ${ANY_MARKER_AWK} && ${filter.condition}) print "R\\t" $0
}
END {
  if (!started) {
    printf "E\\tstart_marker_missing\\n"
    for (k = 1; k <= n; k++) { if (kept[k] != "") print "R\\t" kept[k]; last = kept_seq[k] }
  }
  if (ended && endseq + 0 > from + 0) last = endseq
  if (emark != "" && !ended) printf "E\\tend_marker_missing\\n"
  if (last == "") last = from
  printf "P\\t%s\\n", last
}'
`;
}

/** Snippet printing the records after `from` (null: the whole buffer) and the new position. */
export function kmsgReadScript(from: KmsgPosition | null, options: ReadOptions = {}): string {
  return script(from, options, true);
}

/** Snippet printing only the current end of the buffer (the start position of a window). */
export function kmsgPositionScript(): string {
  return script(null, {}, false);
}

/**
 * Snippet marking a window's start or end: writes the marker record (NFD_MARK_WINDOW: the window
 * id, NFD_MARK_AT: start or end; the nonce is the shell's pid and NFD_CLOCK_NOW) and prints it as
 * the position. Where /dev/kmsg cannot be written (kernel.printk_devkmsg=off, no permission) it
 * prints the newest sequence number instead, as kmsgPositionScript does.
 */
export function kmsgMarkScript(): string {
  return `nfd_mark="nfdebug: window \${NFD_MARK_WINDOW:-} \${NFD_MARK_AT:-} $$.\${NFD_CLOCK_NOW:-0.0}"
if { printf '<6>%s\\n' "$nfd_mark" > /dev/kmsg; } 2>/dev/null; then
${CLOCK_HEADER}
  printf 'M\\t%s\\nP\\t-1\\n' "$nfd_mark"
else
${kmsgPositionScript()}
fi`;
}

export class KmsgOutputParser implements SourceOutputParser {
  private clock: HostClock | null = null;
  private position: KmsgPosition | null = null;
  private bootChanged = false;
  private lost: number | null = 0;
  private readonly warnings: string[] = [];
  private items = 0;
  private marker: string | null = null;

  constructor(private readonly from: KmsgPosition | null) {}

  push(line: string): SourceItem | null {
    const frame = splitFrame(line);
    if (!frame) return null;
    const f = frame.fields;
    switch (frame.tag) {
      case "R":
        return this.record(line.slice(2));
      case "H":
        this.clock = parseClock(f);
        return null;
      case "F": {
        const first = Number(f[0]);
        if (this.from && this.from.seq >= 0 && !this.bootChanged && first > this.from.seq + 1) {
          const n = first - this.from.seq - 1;
          this.lost = (this.lost ?? 0) + n;
          this.warnings.push(
            `the kernel ring buffer wrapped: ${n} record(s) after sequence number ${this.from.seq} were overwritten before they were read`,
          );
        }
        return null;
      }
      case "M":
        this.marker = checkKmsgMarker(f[0]);
        return null;
      case "E":
        if (f[0] === "start_marker_missing") {
          this.lost = null;
          this.warnings.push(
            "the window's start marker is no longer in the kernel ring buffer (it wrapped): reading from the oldest record, lines of the window's start may be missing",
          );
        } else if (f[0] === "end_marker_missing") {
          this.warnings.push(
            "the window's end marker is not in the kernel ring buffer: read up to the newest record, as if the window were still open",
          );
        } else if (f[0] === "boot_changed") {
          this.bootChanged = true;
          this.lost = null;
          this.warnings.push(
            `the host rebooted since the saved position (boot ${f[1]}); reading the current boot's records from the start, earlier ones are gone`,
          );
        } else {
          this.warnings.push(f.slice(1).join(" ") || f[0]);
        }
        return null;
      case "P":
        this.position = {
          source: "kmsg",
          boot_id: this.clock?.bootId ?? this.from?.boot_id ?? "",
          seq: Number(f[0]),
          ...(this.marker !== null ? { marker: this.marker } : {}),
        };
        return null;
      default:
        return null;
    }
  }

  private record(record: string): SourceItem | null {
    const semi = record.indexOf(";");
    if (semi < 0) return null;
    const [prio, seq, usec] = record.slice(0, semi).split(",");
    const p = Number(prio);
    this.items++;
    return {
      pos: seq,
      time: monotonicToIso(this.clock, Number(usec)),
      message: unescapeKmsg(record.slice(semi + 1)),
      priority: Number.isInteger(p) ? p & 7 : null,
      facility: Number.isInteger(p) ? p >> 3 : null,
    };
  }

  finish(): ReadOutcome {
    if (!this.position || !Number.isSafeInteger(this.position.seq)) {
      throw new MalformedAnswer("the /dev/kmsg reader's output is incomplete (no position line)");
    }
    return { position: this.position, lost: this.lost, warnings: this.warnings, items: this.items };
  }
}
