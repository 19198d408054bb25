// parseLogLine: one kernel message of conntrack's INVALID logging → one LogRecord.
// Grammar (DOMAIN.md §7): "nf_ct_proto_<N>: <reason> IN=… OUT=… <packet dump>", where the reason is
// the text between the tag and " IN=". Kernels before 4.19 tagged lines with the protocol name
// instead ("nf_ct_tcp: invalid RST IN=…"); both are accepted. A line that does not have this shape
// is still returned — with reason_id "unknown" and `raw` kept — never dropped and never thrown.
import { L4PROTO, type Protocol } from "../protocols.js";
import { decodeCanonicalDump } from "./canonical-dump.js";
import { classifyReason, classifyReasonAt, type ReasonMatch } from "./classify.js";
import { fastPaths } from "./fast-paths.js";
import { NO_FLAGS } from "./flag-sequences.js";
import { decodePacketDump, type PacketFields } from "./packet-dump.js";
import type { LogRecord } from "./record.js";

export interface ParseContext {
  host: string;
  /** ISO 8601 wall time from the source, or null. */
  time: string | null;
  /** Position in the kernel log (kmsg sequence number, journald cursor, ...). */
  log_pos?: string;
}

const TAG = "nf_ct_proto_";
const ICMP = 1;
const COLON = 58;
const SPACE = 32;

/** A record as the parsers produce it: every additive field present. */
export type FullRecord = LogRecord & PacketFields;

/**
 * A record with every field present. Written out in full, in one literal, rather than spread from
 * emptyPacketFields(): one object shape for all records, built without copying, keeps V8 fast.
 */
export function blankRecord(kind: LogRecord["kind"], message: string, ctx: ParseContext): FullRecord {
  return {
    kind,
    host: ctx.host,
    time: ctx.time,
    log_pos: ctx.log_pos,
    l4proto: null,
    reason: null,
    reason_id: "unknown",
    details: null,
    in: null,
    out: null,
    mac: null,
    physin: null,
    physout: null,
    family: null,
    src: null,
    dst: null,
    len: null,
    tos: null,
    ttl: null,
    ip_id: null,
    ip_flags: NO_FLAGS,
    frag: null,
    proto: null,
    sport: null,
    dport: null,
    seq: null,
    ack: null,
    tcp_window: null,
    flags: NO_FLAGS,
    tcp_opt: null,
    l4_len: null,
    icmp_type: null,
    icmp_code: null,
    icmp: null,
    inner: null,
    uid: null,
    gid: null,
    mark: null,
    incomplete: null,
    truncated: false,
    abridged: false,
    printk: null,
    raw: message,
  };
}

const NO_TAG = -1;

// Where the reason starts, set by readTag: module state rather than an object per line, since
// this runs for every line.
let reasonStart = 0;

/** The L4 protocol the line's tag names, or NO_TAG when the line is not conntrack's. */
function readTag(message: string): number {
  if (message.startsWith(TAG)) {
    let i = TAG.length;
    let n = 0;
    const digitsFrom = i;
    for (; i < message.length; i++) {
      const d = message.charCodeAt(i) - 48;
      if (d < 0 || d > 9) break;
      n = n * 10 + d;
    }
    if (i === digitsFrom || message.charCodeAt(i) !== COLON) return NO_TAG;
    reasonStart = message.charCodeAt(i + 1) === SPACE ? i + 2 : i + 1;
    return n;
  }
  // Before 4.19: "nf_ct_tcp: …", "nf_ct_icmpv6: …".
  if (message.startsWith("nf_ct_")) {
    const colon = message.indexOf(": ", 6);
    if (colon < 0 || colon > 16) return NO_TAG;
    const l4proto = L4PROTO[message.slice(6, colon) as Protocol];
    if (l4proto === undefined) return NO_TAG;
    reasonStart = colon + 2;
    return l4proto;
  }
  return NO_TAG;
}

// Keys that can start what is left of a packet dump when "IN=" was cut from a saved line.
const ABRIDGED_DUMP_KEYS = [" OUT=", " MAC=", " SRC="];

/** Where the packet dump starts after `from` (at its space), and whether "IN=" was missing. */
function findDump(message: string, from: number): { at: number; abridged: boolean } {
  // Reasons have no "=": the first one is nearly always IN='s, and one character is found faster.
  const eq = fastPaths.enabled ? message.indexOf("=", from) : -1;
  if (
    eq - 3 >= from &&
    message.charCodeAt(eq - 1) === 78 &&
    message.charCodeAt(eq - 2) === 73 &&
    message.charCodeAt(eq - 3) === SPACE
  )
    return { at: eq - 3, abridged: false };
  const at = message.indexOf(" IN=", from);
  if (at >= 0) return { at, abridged: false };
  let first = -1;
  for (const key of ABRIDGED_DUMP_KEYS) {
    const k = message.indexOf(key, from);
    if (k >= 0 && (first < 0 || k < first)) first = k;
  }
  return { at: first, abridged: first >= 0 };
}

/**
 * Parse one INVALID line (the kernel message text, without syslog or dmesg prefixes). A line
 * tagged with a protocol name ("nf_ct_tcp: …") and no packet dump at all is a pr_debug message of
 * that protocol's tracker, and comes back as a printk record.
 */
export function parseLogLine(message: string, ctx: ParseContext): FullRecord {
  const l4proto = readTag(message);
  if (l4proto === NO_TAG) return blankRecord("invalid", message, ctx);
  const start = reasonStart;
  // The dump is searched from the space that ends the tag, so an empty reason is found too.
  const dump = findDump(message, start - 1);
  if (dump.at < 0 && !message.startsWith(TAG)) return protocolDebugRecord(message, l4proto, start, ctx);
  const record = blankRecord("invalid", message, ctx);
  record.l4proto = l4proto;
  const reasonEnd = dump.at < 0 ? message.length : dump.at;
  const fast = fastPaths.enabled ? classifyReasonAt(l4proto, message, start, reasonEnd) : undefined;
  // A reason classified in the line has no spaces around it to trim.
  const reason = fast ? message.slice(start, reasonEnd) : message.slice(start, reasonEnd).trim();
  record.reason = reason;
  const match = fast ?? classifyReason(l4proto, reason);
  record.reason_id = match.id;
  record.details = match.details;
  if (dump.at < 0) {
    // The line ends before the packet dump starts.
    record.truncated = true;
    return record;
  }
  record.abridged = dump.abridged;
  // Most dumps have the shape one pattern checks at once (canonical-dump.ts); ICMP's INVALID lines
  // are nearly all errors that quote a packet, which it leaves to the token decoder.
  if (fastPaths.enabled && l4proto !== ICMP && !dump.abridged) {
    if (decodeCanonicalDump(message, dump.at + 1, record)) return record;
  }
  decodePacketDump(message, dump.at + 1, message.length, record, false, dump.abridged ? l4proto : null);
  return record;
}

/** "nf_ct_tcp: SYN proxy client keep alive": a protocol tracker's debug message, not an INVALID packet. */
function protocolDebugRecord(message: string, l4proto: number, start: number, ctx: ParseContext): FullRecord {
  const record = blankRecord("printk", message, ctx);
  record.l4proto = l4proto;
  record.reason = message.slice(start).trim();
  record.reason_id = "printk.nf_conntrack";
  record.printk = { module: "nf_conntrack", func: null, file: null, line: null, tid: null, format: null };
  return record;
}

/**
 * The protocol, reason and catalogue match of text that starts with conntrack's tag and has no
 * packet dump: an NFLOG prefix ("nf_ct_proto_6: invalid tcp flag combination "). Null when the
 * text does not start with a tag (a prefix some nft rule logged with).
 */
export function conntrackPrefix(
  text: string,
): { l4proto: number; reason: string; match: ReasonMatch } | null {
  const l4proto = readTag(text);
  if (l4proto === NO_TAG) return null;
  const reason = text.slice(reasonStart).trim();
  return { l4proto, reason, match: classifyReason(l4proto, reason) };
}

/**
 * Does this kernel message look like conntrack's INVALID logging (cheap prefix test)? Lines tagged
 * with a protocol name ("nf_ct_tcp: …") are INVALID lines only with a packet dump; without one they
 * are that tracker's debug messages, which parseLogLine turns into printk records.
 */
export function isInvalidLine(message: string): boolean {
  const l4proto = readTag(message);
  if (l4proto === NO_TAG) return false;
  return message.startsWith(TAG) || findDump(message, reasonStart - 1).at >= 0;
}

/**
 * What a kernel message is to a reader of saved logs, with one look at its tag and dump: "dump"
 * (conntrack's, with a packet dump), "no-dump" (conntrack's, none yet: an INVALID line whose dump
 * may follow on the next line, or a tracker's debug message), or null (not conntrack's).
 */
export function conntrackShape(message: string): "dump" | "no-dump" | null {
  if (readTag(message) === NO_TAG) return null;
  return findDump(message, reasonStart - 1).at >= 0 ? "dump" : "no-dump";
}

/** A protocol-name tagged message without a packet dump: a tracker's pr_debug line. */
export function isProtocolDebugLine(message: string): boolean {
  return !message.startsWith(TAG) && conntrackShape(message) === "no-dump";
}
