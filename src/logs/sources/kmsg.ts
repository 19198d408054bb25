// /dev/kmsg: one record per read(), "prio,seq,usec,flags;message", followed by dictionary lines
// that start with a space. Sequence numbers bound a window exactly and show when the ring buffer
// overwrote records before they were read (first sequence still present > saved + 1).
// Reading /dev/kmsg blocks at its end, so it is read non-blocking with GNU dd (one record per
// read; 16 KiB covers the largest record), or for at most a second with `timeout` otherwise.
// NFD_KMSG_READ=dd (set by a window's marks when source detection found dd working) skips the probe.
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

function script(from: KmsgPosition | null, options: ReadOptions, records: boolean): string {
  const seq = from ? checkInteger(from.seq, "kmsg sequence number") : -1;
  const boot = from ? checkBootId(from.boot_id) : "";
  const until =
    options.until?.source === "kmsg"
      ? String(checkInteger(options.until.seq, "kmsg end sequence number"))
      : "";
  const filter = containsFilter(options.contains);
  return `# nfdebug: kernel records from /dev/kmsg after sequence number ${seq}
${CLOCK_HEADER}
nfd_from=${seq}
nfd_saved_boot='${boot}'
if [ -n "$nfd_saved_boot" ] && [ "$nfd_boot" != "$nfd_saved_boot" ]; then
  printf 'E\\tboot_changed\\t%s\\n' "$nfd_saved_boot"
  nfd_from=-1
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
nfd_read | ${filter.env}awk -v from="$nfd_from" -v until='${until}' -v records=${records ? 1 : 0} '
BEGIN { first = ""; last = "" }
/^ / { next }
{
  semi = index($0, ";")
  if (semi == 0) next
  split(substr($0, 1, semi - 1), h, ",")
  seq = h[2]
  if (first == "") { first = seq; printf "F\\t%s\\n", seq }
  if (seq + 0 <= from + 0) next
  if (until != "" && seq + 0 > until + 0) next
  last = seq
  if (records && ${filter.condition}) print "R\\t" $0
}
END { if (last == "") last = from; printf "P\\t%s\\n", last }'
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

export class KmsgOutputParser implements SourceOutputParser {
  private clock: HostClock | null = null;
  private position: KmsgPosition | null = null;
  private bootChanged = false;
  private lost: number | null = 0;
  private readonly warnings: string[] = [];
  private items = 0;

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
      case "E":
        if (f[0] === "boot_changed") {
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
      throw new Error("the /dev/kmsg reader's output is incomplete (no position line)");
    }
    return { position: this.position, lost: this.lost, warnings: this.warnings, items: this.items };
  }
}
