// /dev/kmsg: one record per read(), "prio,seq,usec,flags;message", followed by dictionary lines
// that start with a space. Sequence numbers bound a window exactly and show when the ring buffer
// overwrote records before they were read (first sequence still present > saved + 1).
// kmsg.sh reads it (non-blocking: /dev/kmsg blocks at its end).
// A window's start and end are not read but written: a marker record ("nfdebug: window ID start
// NONCE"), one builtin printf to /dev/kmsg instead of reading the whole buffer to find its newest
// sequence number. A read then starts after the start marker and stops at the end marker. The
// nonce tells apart hosts sharing one ring buffer (namespaces of one machine, one window id).
import { MalformedAnswer } from "../../errors.js";
import { parseFrame } from "../../shell/frame.js";
import { call } from "../../shell/quote.js";
import {
  checkBootId,
  checkInteger,
  monotonicToIso,
  parseClock,
  sourceScript,
  unescapeKmsg,
  type HostClock,
} from "./framing.js";
import type { KmsgPosition, ReadOptions, ReadOutcome, SourceItem, SourceOutputParser } from "./types.js";

/** "nfdebug: window <id> start|end <pid>.<epoch seconds>[.<ns>]" (the window id as in WINDOW_ID). */
const MARKER =
  /^nfdebug: window [0-9]{8}T[0-9]{6}-[0-9a-f]{4} (start|end) [0-9]{1,10}\.[0-9]{1,20}(\.[0-9]{1,9})?$/;

/** Markers come from the host and go back into scripts: accept only nfdebug's own format. */
export function checkKmsgMarker(marker: string): string {
  if (!MARKER.test(marker))
    throw new MalformedAnswer(`not an nfdebug kmsg marker: ${JSON.stringify(marker)}`);
  return marker;
}

export const KMSG_SH = new URL("./kmsg.sh", import.meta.url);

function readCall(from: KmsgPosition | null, options: ReadOptions, records: boolean): string {
  const seq = from ? checkInteger(from.seq, "kmsg sequence number") : -1;
  const boot = from ? checkBootId(from.boot_id) : "";
  const startMark = from?.marker !== undefined ? checkKmsgMarker(from.marker) : "";
  const end = options.until?.source === "kmsg" ? options.until : undefined;
  const endMark = end?.marker !== undefined ? checkKmsgMarker(end.marker) : "";
  const until =
    end && end.marker === undefined ? String(checkInteger(end.seq, "kmsg end sequence number")) : "";
  const args = [records ? 1 : 0, seq, boot, startMark, endMark, until, ...(options.contains ?? [])];
  return call("nfd_kmsg_read", ...args);
}

/** Script printing the records after `from` (null: the whole buffer) and the new position. */
export function kmsgReadScript(from: KmsgPosition | null, options: ReadOptions = {}): string {
  return sourceScript(KMSG_SH, readCall(from, options, true));
}

/** nfd_kmsg_read printing only the current end of the buffer (the start position of a window). */
export function kmsgPositionCall(): string {
  return readCall(null, {}, false);
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
    const frame = parseFrame(line);
    if (!frame) return null;
    const f = frame.fields;
    switch (frame.tag) {
      case "R":
        return this.record(f[0]);
      case "clock":
        this.clock = parseClock(f);
        return null;
      case "first": {
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
      case "marker":
        this.marker = checkKmsgMarker(f[0]);
        return null;
      case "warn":
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
      case "pos":
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
