// What the log-source readers share. Each reader is a shell function in a .sh file beside its
// TypeScript (dmesg.sh, kmsg.sh, journald.sh, syslog-file.sh, detect.sh), after source.sh (the clock
// frame, the record filter); TypeScript composes the files and one call() line with checked
// arguments. They answer in the host protocol (src/shell/frame.ts): a clock frame first, then
// records ("@@R"), warnings, and the position frame last.
import { MalformedAnswer } from "../../errors.js";
import { FRAME_SH } from "../../shell/frame.js";
import { shippedFile } from "../../shell/shipped.js";

export interface HostClock {
  bootId: string | null;
  /** Wall-clock epoch (ms) at boot, from `date` and /proc/uptime; null when unknown. */
  bootEpochMs: number | null;
}

const SOURCE_SH = new URL("./source.sh", import.meta.url);

/** source.sh and a reader's .sh, for a script that has frame.sh already. */
export function sourceShell(file: URL): string {
  return `${shippedFile(SOURCE_SH)}\n${shippedFile(file)}`;
}

/** A whole reader script: the protocol, source.sh, the reader's file, then `line` (its call). */
export function sourceScript(file: URL, line: string): string {
  return `${shippedFile(FRAME_SH)}\n${sourceShell(file)}\n${line}`;
}

export function parseClock(fields: string[]): HostClock {
  const [bootId, now, up] = fields;
  const nowS = Number(now);
  const upS = Number(up);
  return {
    bootId: bootId && bootId !== "-" ? bootId : null,
    bootEpochMs: Number.isFinite(nowS) && Number.isFinite(upS) && up !== "-" ? (nowS - upS) * 1000 : null,
  };
}

/** ISO time of a kernel timestamp (µs since boot), given the host clock. */
export function monotonicToIso(clock: HostClock | null, usec: number): string | null {
  if (!clock || clock.bootEpochMs === null || !Number.isFinite(usec)) return null;
  return isoTime(clock.bootEpochMs + usec / 1000);
}

let cachedSecond = NaN;
let cachedPrefix = "";

/**
 * new Date(ms).toISOString(), with the part up to the second made once per second: a collect
 * times millions of lines, many in each second.
 */
export function isoTime(ms: number): string {
  const t = Math.trunc(ms);
  const second = Math.floor(t / 1000);
  if (second !== cachedSecond) {
    const iso = new Date(second * 1000).toISOString();
    if (iso.length !== 24) return new Date(t).toISOString(); // a year outside 0000-9999
    cachedSecond = second;
    cachedPrefix = iso.slice(0, 20);
  }
  const milli = t - second * 1000;
  return `${cachedPrefix}${milli < 10 ? "00" : milli < 100 ? "0" : ""}${milli}Z`;
}

const BOOT_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** journald writes boot ids without dashes; positions keep the kernel's dashed form. */
export function normalizeBootId(id: string): string {
  return /^[0-9a-f]{32}$/.test(id)
    ? `${id.slice(0, 8)}-${id.slice(8, 12)}-${id.slice(12, 16)}-${id.slice(16, 20)}-${id.slice(20)}`
    : id;
}

/** Boot ids come from the host and go back into scripts: accept only the kernel's UUID format. */
export function checkBootId(bootId: string | null): string {
  if (bootId === null || bootId === "") return "";
  if (!BOOT_ID.test(bootId)) throw new MalformedAnswer(`not a boot id: ${JSON.stringify(bootId)}`);
  return bootId;
}

export function checkInteger(value: number, what: string, min = -1): number {
  if (!Number.isSafeInteger(value) || value < min)
    throw new MalformedAnswer(`${what} must be an integer ≥ ${min}, got ${value}`);
  return value;
}

/**
 * Undo kmsg's escaping: control bytes, bytes ≥ 127 (so UTF-8 text too) and the backslash itself are
 * printed as \xNN. The bytes are reassembled and decoded as UTF-8.
 */
export function unescapeKmsg(text: string): string {
  if (!text.includes("\\x")) return text;
  const bytes: number[] = [];
  for (let i = 0; i < text.length; i++) {
    if (
      text.charCodeAt(i) === 92 &&
      text[i + 1] === "x" &&
      /^[0-9a-fA-F]{2}$/.test(text.slice(i + 2, i + 4))
    ) {
      bytes.push(parseInt(text.slice(i + 2, i + 4), 16));
      i += 3;
    } else {
      bytes.push(...Buffer.from(text[i], "utf8"));
    }
  }
  return Buffer.from(bytes).toString("utf8");
}
