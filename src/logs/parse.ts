// parseLogLine: one kernel message of conntrack's INVALID logging → one LogRecord.
// Grammar (DOMAIN.md §7): "nf_ct_proto_<N>: <reason> IN=… OUT=… <packet dump>", where the reason is
// the text between the tag and " IN=". Kernels before 4.19 tagged lines with the protocol name
// instead ("nf_ct_tcp: invalid RST IN=…"); both are accepted. A line that does not have this shape
// is still returned — with reason_id "unknown" and `raw` kept — never dropped and never thrown.
import { L4PROTO, type Protocol } from "../protocols.js";
import { classifyReason } from "./catalogue.js";
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
    ip_flags: [],
    frag: null,
    proto: null,
    sport: null,
    dport: null,
    seq: null,
    ack: null,
    window: null,
    flags: [],
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

/** Parse one INVALID line (the kernel message text, without syslog or dmesg prefixes). */
export function parseLogLine(message: string, ctx: ParseContext): FullRecord {
  const record = blankRecord("invalid", message, ctx);
  const l4proto = readTag(message);
  if (l4proto === NO_TAG) return record;
  const start = reasonStart;
  record.l4proto = l4proto;
  // " IN=" is searched from the space that ends the tag, so an empty reason is found too.
  const dumpAt = message.indexOf(" IN=", start - 1);
  const reasonEnd = dumpAt < 0 ? message.length : dumpAt;
  const reason = message.slice(start, reasonEnd).trim();
  record.reason = reason;
  const match = classifyReason(l4proto, reason);
  record.reason_id = match.id;
  record.details = match.details;
  if (dumpAt < 0) {
    // The line ends before the packet dump starts.
    record.truncated = true;
    return record;
  }
  decodePacketDump(message, dumpAt + 1, message.length, record);
  return record;
}

/** Does this kernel message look like conntrack's INVALID logging (cheap prefix test)? */
export function isInvalidLine(message: string): boolean {
  return readTag(message) !== NO_TAG;
}
