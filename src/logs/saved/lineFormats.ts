// The text formats a saved kernel log comes in, one line at a time: what each line says (time,
// host, message) and whether the kernel wrote it. Binary-safe journal exports are in
// journalExport.ts; which format a file is in, in detect.ts.
// Host names are kept by the summaries: detached() so a kept name does not pin its chunk of log.
import { detached } from "../../detached.js";
import { messageText } from "../sources/journald.js";
import { unescapeKmsg } from "../sources/framing.js";
import { MONTHS } from "../sources/syslog-file.js";

export const LINE_FORMATS = ["syslog", "rfc5424", "dmesg", "kmsg", "journal-json", "cat"] as const;
export const SAVED_FORMATS = [...LINE_FORMATS, "journal-export", "pcap"] as const;
export type LineFormat = (typeof LINE_FORMATS)[number];
export type SavedFormat = (typeof SAVED_FORMATS)[number];

/** What the formats' documentation calls them, for --help and the "format chosen" line. */
export const FORMAT_DESCRIPTIONS: Record<SavedFormat, string> = {
  syslog: "kern.log/messages (traditional or RFC 3339 stamps); journalctl -o short, short-iso, short-precise",
  rfc5424: "syslog files in RFC 5424 form (<PRI>1 TIMESTAMP HOST APP …)",
  dmesg: "dmesg output: plain, -r, -T, -x, --time-format iso, with or without timestamps",
  kmsg: "raw /dev/kmsg records (PRI,SEQ,USEC,FLAGS;MESSAGE)",
  "journal-json": "journalctl -o json",
  "journal-export": "journalctl -o export",
  cat: "bare kernel messages: journalctl -o cat, dmesg -t",
  pcap: "pcap or pcapng capture of an NFLOG group (tcpdump -i nflog:0 -w), detected by its magic number",
};

export interface SavedMessage {
  /** ISO 8601 wall time, or null (monotonic stamps, or none). */
  time: string | null;
  host: string | null;
  message: string;
  /**
   * False when the line itself shows that userspace wrote it (a facility other than kern, a
   * journal transport other than kernel, a tag with a PID). True when it says kernel or cannot say.
   */
  fromKernel: boolean;
  pos: string | null;
}

/** Reads one format's lines; null for a line that is not one of its records (a continuation). */
export type LineReader = (line: string) => SavedMessage | null;

/** Month-day-time without a year or zone, as UTC, in the year that puts it not after `latest`. */
function yearlessTime(
  mon: string,
  day: string,
  hms: string,
  fraction: string | undefined,
  latest: Date,
): string | null {
  const month = MONTHS[mon];
  if (month === undefined) return null;
  const [h, m, s] = hms.split(":").map(Number);
  const ms = fraction ? Math.floor(Number(`0${fraction}`) * 1000) : 0;
  let year = latest.getUTCFullYear();
  const at = (y: number) => Date.UTC(y, month, Number(day), h, m, s, ms);
  if (at(year) > latest.getTime() + 86_400_000) year--;
  const t = new Date(at(year));
  return Number.isNaN(t.getTime()) ? null : t.toISOString();
}

// A stamp already in UTC needs no Date: "2026-12-04T09:15:02.123456+00:00" → "…02.123Z".
const UTC_STAMP = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:[.,](\d{1,9}))?(?:Z|[+-]00:?00)$/;

function isoTime(stamp: string): string | null {
  const utc = UTC_STAMP.exec(stamp);
  if (utc) return `${utc[1]}.${(utc[2] ?? "").padEnd(3, "0").slice(0, 3)}Z`;
  // journalctl's short-iso writes +0000; dmesg --time-format iso writes a comma before the fraction.
  const normal = stamp.replace(",", ".").replace(/([+-]\d\d)(\d\d)$/, "$1:$2");
  const t = new Date(normal);
  return Number.isNaN(t.getTime()) ? null : t.toISOString();
}

const KERNEL_STAMP = /^\[ *\d+\.\d+\] ?/;
const TRADITIONAL = /^([A-Z][a-z]{2}) +(\d{1,2}) (\d\d:\d\d:\d\d)(\.\d+)? (\S+) ([^\s:]+): ?/;
const RFC3339 = /^(\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(?:[.,]\d+)?(?:Z|[+-]\d\d:?\d\d)) (\S+) ([^\s:]+): ?/;

/** rsyslog escapes control characters as #NNN (octal): a kernel message's \n is #012. */
function unescapeRsyslog(text: string): string {
  return text.includes("#0")
    ? text.replace(/#0([0-3][0-7])/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)))
    : text;
}

/** kern.log, messages, and journalctl's short formats: "STAMP HOST TAG: MESSAGE". */
export function syslogReader(latest: Date): LineReader {
  return (line) => {
    let time: string | null;
    let m = TRADITIONAL.exec(line);
    let host: string;
    let tag: string;
    if (m) {
      time = yearlessTime(m[1], m[2], m[3], m[4], latest);
      host = detached(m[5]);
      tag = m[6];
    } else {
      m = RFC3339.exec(line);
      if (!m) return null;
      time = isoTime(m[1]);
      host = detached(m[2]);
      tag = m[3];
    }
    const message = unescapeRsyslog(line.slice(m[0].length)).replace(KERNEL_STAMP, "");
    // "kernel[123]:" is a process that called itself kernel: the kernel never has a PID.
    return { time, host, message, fromKernel: tag === "kernel", pos: null };
  };
}

const RFC5424 = /^<(\d{1,3})>1 (\S+) (\S+) (\S+) (\S+) (\S+) (?:-|(?:\[(?:[^\]"]|"(?:[^"\\]|\\.)*")*\])+) ?/;

/** "<PRI>1 TIMESTAMP HOST APP PROCID MSGID SD MSG": the facility is in PRI, so spoofing shows. */
export function rfc5424Reader(): LineReader {
  return (line) => {
    const m = RFC5424.exec(line);
    if (!m) return null;
    const facility = Number(m[1]) >> 3;
    const message = unescapeRsyslog(line.slice(m[0].length))
      .replace(/^\uFEFF/, "")
      .replace(KERNEL_STAMP, "");
    return {
      time: m[2] === "-" ? null : isoTime(m[2]),
      host: m[3] === "-" ? null : detached(m[3]),
      message,
      fromKernel: facility === 0 && m[4] === "kernel",
      pos: null,
    };
  };
}

const DMESG_RAW = /^<(\d{1,3})>(\[ *\d+\.\d+\] ?)?/;
const DMESG_DECODED = /^([a-z]+) *:([a-z]+) *: (\[ *\d+\.\d+\] ?)?/;
const DMESG_CTIME = /^\[([A-Z][a-z]{2}) ([A-Z][a-z]{2}) +(\d{1,2}) (\d\d:\d\d:\d\d) (\d{4})\] ?/;
const DMESG_ISO = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d,\d+[+-]\d\d:?\d\d) /;

/** dmesg in its forms; "-x" and "-r" show the facility, the others cannot tell userspace apart. */
export function dmesgReader(): LineReader {
  return (line) => {
    let m = DMESG_RAW.exec(line);
    if (m) return dmesgMessage(line.slice(m[0].length), null, Number(m[1]) >> 3 === 0);
    m = DMESG_DECODED.exec(line);
    if (m) return dmesgMessage(line.slice(m[0].length), null, m[1] === "kern");
    m = DMESG_CTIME.exec(line);
    if (m) {
      const t = new Date(`${m[3]} ${m[2]} ${m[5]} ${m[4]} UTC`);
      return dmesgMessage(line.slice(m[0].length), Number.isNaN(t.getTime()) ? null : t.toISOString(), true);
    }
    m = DMESG_ISO.exec(line);
    if (m) return dmesgMessage(line.slice(m[0].length), isoTime(m[1]), true);
    m = KERNEL_STAMP.exec(line);
    if (m) return dmesgMessage(line.slice(m[0].length), null, true);
    // A line that starts with blanks continues the previous record (dmesg indents the rest of a
    // message that had a newline in it); anything else is a message printed without a stamp.
    return /^\s/.test(line) ? null : dmesgMessage(line, null, true);
  };
}

function dmesgMessage(message: string, time: string | null, fromKernel: boolean): SavedMessage {
  return { time, host: null, message, fromKernel, pos: null };
}

const KMSG = /^(\d+),(\d+),(-?\d+),[^;]*;/;

/** /dev/kmsg records; the " KEY=value" lines after a record are its dictionary, not messages. */
export function kmsgReader(): LineReader {
  return (line) => {
    const m = KMSG.exec(line);
    if (!m) return null;
    return {
      time: null,
      host: null,
      message: unescapeKmsg(line.slice(m[0].length)),
      fromKernel: Number(m[1]) >> 3 === 0,
      pos: m[2],
    };
  };
}

/** A journal entry's fields (journalctl -o json, or one entry of -o export) as a message. */
export function journalEntryMessage(entry: Record<string, unknown>): SavedMessage | null {
  const message = messageText(entry.MESSAGE as string | number[] | null | undefined);
  if (message === null) return null;
  const usec = Number(entry.__REALTIME_TIMESTAMP);
  const transport = entry._TRANSPORT;
  return {
    time: Number.isFinite(usec) && usec > 0 ? new Date(Math.floor(usec / 1000)).toISOString() : null,
    host: typeof entry._HOSTNAME === "string" ? entry._HOSTNAME : null,
    message,
    // Userspace can set SYSLOG_IDENTIFIER=kernel, never _TRANSPORT=kernel (journald sets it).
    fromKernel: transport === undefined ? entry.SYSLOG_FACILITY === "0" : transport === "kernel",
    pos: typeof entry.__CURSOR === "string" ? entry.__CURSOR : null,
  };
}

export function journalJsonReader(): LineReader {
  return (line) => {
    if (!line.startsWith("{")) return null;
    try {
      return journalEntryMessage(JSON.parse(line) as Record<string, unknown>);
    } catch {
      return null;
    }
  };
}

export function catReader(): LineReader {
  return (line) => ({ time: null, host: null, message: line, fromKernel: true, pos: null });
}

/** The reader of a line format; `latest` dates year-less syslog stamps (a file's mtime). */
export function lineReader(format: LineFormat, latest: Date): LineReader {
  switch (format) {
    case "syslog":
      return syslogReader(latest);
    case "rfc5424":
      return rfc5424Reader();
    case "dmesg":
      return dmesgReader();
    case "kmsg":
      return kmsgReader();
    case "journal-json":
      return journalJsonReader();
    case "cat":
      return catReader();
  }
}
