// dmesg (util-linux or busybox): `dmesg -r` prints "<prio>[ seconds.micros] message". There are no
// sequence numbers, so the position is the kernel timestamp of the last record read plus how many
// records with exactly that timestamp were read. When the oldest record left is newer than the
// saved position, the ring buffer wrapped and an unknown number of records may be missing.
import { MalformedAnswer } from "../../errors.js";
import { parseFrame } from "../../shell/frame.js";
import { call } from "../../shell/quote.js";
import {
  checkBootId,
  checkInteger,
  monotonicToIso,
  parseClock,
  sourceScript,
  type HostClock,
} from "./framing.js";
import type { DmesgPosition, ReadOptions, ReadOutcome, SourceItem, SourceOutputParser } from "./types.js";

const USEC = 1_000_000;

/** "447.891443" ↔ 447891443 µs, without ever printing large numbers from awk. */
function splitUsec(usec: number): [number, string] {
  return [Math.floor(usec / USEC), String(usec % USEC).padStart(6, "0")];
}

export const DMESG_SH = new URL("./dmesg.sh", import.meta.url);

function readCall(from: DmesgPosition | null, options: ReadOptions, records: boolean): string {
  const usec = from ? checkInteger(from.usec, "dmesg timestamp") : -1;
  const same = from ? checkInteger(from.same, "dmesg same-timestamp count", 0) : 0;
  const boot = from ? checkBootId(from.boot_id) : "";
  const [fromSec, fromMicro] = usec < 0 ? [-1, "0"] : splitUsec(usec);
  let until = "";
  if (options.until?.source === "dmesg") {
    const [s, m] = splitUsec(checkInteger(options.until.usec, "dmesg end timestamp", 0));
    until = `${s} ${m} ${checkInteger(options.until.same, "dmesg end count", 0)}`;
  }
  const args = [records ? 1 : 0, fromSec, fromMicro, same, boot, until, ...(options.contains ?? [])];
  return call("nfd_dmesg_read", ...args);
}

export function dmesgReadScript(from: DmesgPosition | null, options: ReadOptions = {}): string {
  return sourceScript(DMESG_SH, readCall(from, options, true));
}

/** nfd_dmesg_read printing only the newest position (a window's start). */
export function dmesgPositionCall(): string {
  return readCall(null, {}, false);
}

export class DmesgOutputParser implements SourceOutputParser {
  private clock: HostClock | null = null;
  private position: DmesgPosition | null = null;
  private lost: number | null = 0;
  private readonly warnings: string[] = [];
  private items = 0;

  constructor(private readonly from: DmesgPosition | null) {}

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
      case "warn":
        if (f[0] === "wrapped") {
          this.lost = null;
          this.warnings.push(
            `the kernel ring buffer wrapped: the oldest record left is from ${f[1]} s after boot, later than the saved position; an unknown number of records may be missing`,
          );
        } else if (f[0] === "boot_changed") {
          this.lost = null;
          this.warnings.push(
            `the host rebooted since the saved position (boot ${f[1]}); reading the current boot's records from the start`,
          );
        } else {
          this.warnings.push(`dmesg failed (exit status ${f[1]})`);
        }
        return null;
      case "pos": {
        const sec = Number(f[0]);
        this.position = {
          source: "dmesg",
          boot_id: this.clock?.bootId ?? this.from?.boot_id ?? "",
          usec: sec < 0 ? -1 : sec * USEC + Number(f[1]),
          same: Number(f[2]),
        };
        return null;
      }
      default:
        return null;
    }
  }

  private record(record: string): SourceItem | null {
    const gt = record.indexOf(">");
    const rb = record.indexOf("]", gt);
    if (gt < 0 || rb < 0) return null;
    const prio = Number(record.slice(1, gt));
    const ts = record.slice(gt + 2, rb).trim();
    const [sec, micro = "0"] = ts.split(".");
    const usec = Number(sec) * USEC + Number(micro.padEnd(6, "0").slice(0, 6));
    this.items++;
    return {
      pos: ts,
      time: monotonicToIso(this.clock, usec),
      message: record.slice(rb + 2),
      priority: Number.isInteger(prio) ? prio & 7 : null,
      facility: Number.isInteger(prio) ? prio >> 3 : null,
    };
  }

  finish(): ReadOutcome {
    if (!this.position || !Number.isFinite(this.position.usec)) {
      throw new MalformedAnswer("the dmesg reader's output is incomplete (no position line)");
    }
    return { position: this.position, lost: this.lost, warnings: this.warnings, items: this.items };
  }
}
