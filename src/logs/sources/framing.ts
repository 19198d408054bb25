// The line protocol every source snippet prints, so that no log text can be mistaken for control
// output: each line starts with a one-letter tag and a tab.
//   H <boot_id> <epoch seconds> <uptime seconds>   host clock, printed first
//   R <record>                                       one raw record of the source
//   F <seq>                                          kmsg/dmesg: the oldest record still in the buffer
//   P <position fields...>                           the position after the last record, printed last
//   E <code> <detail>                                something the parser should report
//   X <exit status>                                  status of the reading command, when it matters
// Shared shell fragments live here too.
import { MalformedAnswer } from "../../errors.js";
import { shQuote } from "../../shell/quote.js";

export const TAB = "\t";

export interface HostClock {
  bootId: string | null;
  /** Wall-clock epoch (ms) at boot, from `date` and /proc/uptime; null when unknown. */
  bootEpochMs: number | null;
}

/**
 * Prints the H line. `date +%s.%N` is GNU; other dates print a literal N, so fall back to seconds.
 * A host script that already read the boot id or the clock passes them in NFD_CLOCK_BOOT and
 * NFD_CLOCK_NOW (no process for them here); /proc/uptime is read with the builtin (a seq_file:
 * reads at any offset work, unlike /proc/sys files).
 */
export const CLOCK_HEADER = [
  "LC_ALL=C; export LC_ALL",
  "nfd_boot=${NFD_CLOCK_BOOT:-$(cat /proc/sys/kernel/random/boot_id 2>/dev/null || echo -)}",
  "nfd_now=${NFD_CLOCK_NOW:-$(date +%s.%N 2>/dev/null)}; case $nfd_now in ''|*N*) nfd_now=$(date +%s);; esac",
  "nfd_up=; { read -r nfd_up nfd_idle < /proc/uptime; } 2>/dev/null; nfd_up=${nfd_up:--}",
  'printf \'H\\t%s\\t%s\\t%s\\n\' "$nfd_boot" "$nfd_now" "$nfd_up"',
].join("\n");

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
  return new Date(clock.bootEpochMs + usec / 1000).toISOString();
}

export function splitFrame(line: string): { tag: string; fields: string[] } | null {
  if (line.length < 2 || line.charCodeAt(1) !== 9) return null;
  return { tag: line[0], fields: line.slice(2).split(TAB) };
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
 * An awk condition that is true when the record ($0) contains one of the strings. The strings
 * reach awk through the environment (ENVIRON is POSIX), never through its program text, so no
 * quoting rules of awk apply; the assignments are shQuote'd.
 */
export function containsFilter(contains: string[] | undefined): { env: string; condition: string } {
  if (!contains || contains.length === 0) return { env: "", condition: "1" };
  const env = contains.map((s, k) => `NFD_MATCH${k}=${shQuote(s)} `).join("");
  const condition = contains.map((_, k) => `index($0, ENVIRON["NFD_MATCH${k}"]) > 0`).join(" || ");
  return { env: `${env}`, condition: `(${condition})` };
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
