// Decodes the packet dump nf_log_syslog appends to a log prefix ("IN=lo OUT= MAC=… SRC=… DST=… LEN=…
// PROTO=TCP SPT=… DPT=… …", DOMAIN.md §7) in a single left-to-right pass over space-separated
// tokens. No regular expressions: busy hosts log hundreds of thousands of lines per window.
// Brackets hold the packet an ICMP error quotes ("[SRC=… DST=… …]") and are decoded into `inner`,
// so the quoted addresses never overwrite the outer ones; "OPT ( … )" groups hold IPv6 extension
// headers, "OPT (HEX)" IP or TCP options, "INCOMPLETE [n bytes]" a packet too short to decode.
import type { IcmpDetails, InnerPacket, LogRecord } from "./record.js";

/** The part of a record the packet dump fills in. */
export type PacketFields = Pick<
  LogRecord,
  | "in"
  | "out"
  | "mac"
  | "src"
  | "dst"
  | "proto"
  | "sport"
  | "dport"
  | "flags"
  | "len"
  | "ttl"
  | "seq"
  | "ack"
  | "tcp_window"
  | "mark"
  | "icmp_type"
  | "icmp_code"
> &
  Required<
    Pick<
      LogRecord,
      | "family"
      | "physin"
      | "physout"
      | "ip_flags"
      | "frag"
      | "ip_id"
      | "tos"
      | "l4_len"
      | "tcp_opt"
      | "icmp"
      | "inner"
      | "uid"
      | "gid"
      | "incomplete"
      | "truncated"
    >
  >;

const SPACE = 32;
const OPEN_BRACKET = 91;
const CLOSE_BRACKET = 93;
const OPEN_PAREN = 40;

// What the L4 part is, which decides how SEQ, ACK, ID, LEN and bare words are read.
const L4_NONE = 0;
const L4_TCP = 1;
const L4_UDP = 2;
const L4_ICMP = 3;
const L4_OTHER = 4;

const TCP_FLAGS = ["AE", "CWR", "ECE", "URG", "ACK", "PSH", "RST", "SYN", "FIN"];
const IP_FLAGS = ["CE", "DF", "MF"];

/** The shared constant for a flag word in s[from, to), or null: no string is allocated per flag. */
function flagWord(s: string, from: number, to: number, words: readonly string[]): string | null {
  for (const w of words) if (to - from === w.length && s.startsWith(w, from)) return w;
  return null;
}

// Keys are dispatched on a number made of their length, first two and last characters (unique for
// every key nf_log_syslog prints), so that no key string is allocated per token.
function code(s: string, from: number, to: number): number {
  return (
    ((to - from) << 24) | (s.charCodeAt(from) << 16) | (s.charCodeAt(from + 1) << 8) | s.charCodeAt(to - 1)
  );
}
const key = (name: string): number => code(name, 0, name.length);
const K_IN = key("IN");
const K_OUT = key("OUT");
const K_PHYSIN = key("PHYSIN");
const K_PHYSOUT = key("PHYSOUT");
const K_MAC = key("MAC");
const K_SRC = key("SRC");
const K_DST = key("DST");
const K_LEN = key("LEN");
const K_TOS = key("TOS");
const K_TC = key("TC");
const K_TTL = key("TTL");
const K_HOPLIMIT = key("HOPLIMIT");
const K_ID = key("ID");
const K_PROTO = key("PROTO");
const K_SPT = key("SPT");
const K_DPT = key("DPT");
const K_SEQ = key("SEQ");
const K_ACK = key("ACK");
const K_WINDOW = key("WINDOW");
const K_URGP = key("URGP");
const K_TYPE = key("TYPE");
const K_CODE = key("CODE");
const K_PARAMETER = key("PARAMETER");
const K_POINTER = key("POINTER");
const K_GATEWAY = key("GATEWAY");
const K_MTU = key("MTU");
const K_UID = key("UID");
const K_GID = key("GID");
const K_MARK = key("MARK");

// PROTO values as shared constants rather than a fresh string per record.
const PROTO_NAMES = ["TCP", "UDP", "UDPLITE", "ICMP", "ICMPv6", "AH", "ESP"];
function protoName(s: string, from: number, to: number): string {
  for (const name of PROTO_NAMES) if (to - from === name.length && s.startsWith(name, from)) return name;
  return s.slice(from, to);
}

/** Decimal digits in [from, to) as a number; null when empty or not all digits (a cut line). */
function decimal(s: string, from: number, to: number): number | null {
  if (from >= to) return null;
  let n = 0;
  for (let k = from; k < to; k++) {
    const d = s.charCodeAt(k) - 48;
    if (d < 0 || d > 9) return null;
    n = n * 10 + d;
  }
  return n;
}

/** Hex digits in [from, to), with or without a 0x prefix. */
function hex(s: string, from: number, to: number): number | null {
  if (to - from > 2 && s.charCodeAt(from) === 48 && (s.charCodeAt(from + 1) | 32) === 120) from += 2;
  if (from >= to) return null;
  let n = 0;
  for (let k = from; k < to; k++) {
    const c = s.charCodeAt(k) | 32; // lower-case letters; digits unchanged
    let d: number;
    if (c >= 48 && c <= 57) d = c - 48;
    else if (c >= 97 && c <= 102) d = c - 87;
    else return null;
    n = n * 16 + d;
  }
  return n;
}

function nextSpace(s: string, from: number, end: number): number {
  const j = s.indexOf(" ", from);
  return j < 0 || j > end ? end : j;
}

function skipSpaces(s: string, from: number, end: number): number {
  while (from < end && s.charCodeAt(from) === SPACE) from++;
  return from;
}

/** Index of the "]" that closes the "[" at `open`, counting nested brackets; `end` when cut off. */
function closingBracket(s: string, open: number, end: number): number {
  let depth = 0;
  for (let k = open; k < end; k++) {
    const c = s.charCodeAt(k);
    if (c === OPEN_BRACKET) depth++;
    else if (c === CLOSE_BRACKET && --depth === 0) return k;
  }
  return end;
}

export function emptyPacketFields(): PacketFields {
  return {
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
    tcp_window: null,
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
  };
}

function icmpOf(p: PacketFields): IcmpDetails {
  if (p.icmp === null) p.icmp = {};
  return p.icmp;
}

/** The fields of a quoted packet, as the record's `inner`. */
export function innerPacketOf(p: PacketFields): InnerPacket {
  return {
    family: p.family,
    src: p.src,
    dst: p.dst,
    proto: p.proto,
    sport: p.sport,
    dport: p.dport,
    len: p.len,
    flags: p.flags,
    icmp_type: p.icmp_type,
    icmp_code: p.icmp_code,
    truncated: p.truncated,
  };
}

/**
 * Decode the dump in s[start, end) into `p`. `quoted` is true while decoding the packet inside an
 * ICMP error (the kernel recurses only once, and prints no UID/GID/MARK there).
 */
export function decodePacketDump(
  s: string,
  start: number,
  end: number,
  p: PacketFields,
  quoted = false,
  tagProtocol: number | null = null,
): void {
  // An abridged line may have lost PROTO=: its tag's protocol says how to read SEQ= and the flags.
  let l4 = tagProtocol === 6 ? L4_TCP : L4_NONE;
  let sawIp = false;
  // Set when the dump reached the field the kernel prints last for this protocol, so that a line
  // cut short (syslog line limits, a damaged file) is flagged as truncated.
  let complete = false;
  let i = start;
  while (i < end) {
    const c = s.charCodeAt(i);
    if (c === SPACE) {
      i++;
      continue;
    }
    let j = nextSpace(s, i, end);
    if (c === OPEN_BRACKET) {
      // "[SRC=…]": the packet an ICMP error quotes.
      const close = closingBracket(s, i, end);
      if (!quoted && l4 === L4_ICMP) {
        const inner = emptyPacketFields();
        decodePacketDump(s, i + 1, close, inner, true);
        if (close >= end) inner.truncated = p.truncated = true;
        p.inner = innerPacketOf(inner);
      }
      i = close + 1;
      continue;
    }
    const eq = s.indexOf("=", i);
    if (eq > i && eq < j) {
      const v = eq + 1;
      switch (code(s, i, eq)) {
        case K_IN:
          p.in = s.slice(v, j);
          break;
        case K_OUT:
          p.out = s.slice(v, j);
          break;
        case K_PHYSIN:
          p.physin = s.slice(v, j);
          break;
        case K_PHYSOUT:
          p.physout = s.slice(v, j);
          break;
        case K_MAC:
          p.mac = s.slice(v, j);
          break;
        case K_SRC:
          p.src = s.slice(v, j);
          p.family = p.src.includes(":") ? "ipv6" : "ipv4";
          sawIp = true;
          break;
        case K_DST:
          p.dst = s.slice(v, j);
          break;
        case K_LEN:
          if (l4 === L4_NONE) p.len = decimal(s, v, j);
          else {
            p.l4_len = decimal(s, v, j);
            if (l4 === L4_UDP) complete = true;
          }
          break;
        case K_TOS:
        case K_TC:
          p.tos = s.charCodeAt(v) === 48 && s.charCodeAt(v + 1) === 120 ? hex(s, v, j) : decimal(s, v, j);
          break;
        case K_TTL:
        case K_HOPLIMIT:
          p.ttl = decimal(s, v, j);
          break;
        case K_ID:
          if (l4 === L4_NONE) p.ip_id = decimal(s, v, j);
          else icmpOf(p).id = decimal(s, v, j) ?? undefined;
          break;
        case K_PROTO: {
          const proto = protoName(s, v, j);
          p.proto = proto;
          l4 =
            proto === "TCP"
              ? L4_TCP
              : proto === "UDP" || proto === "UDPLITE"
                ? L4_UDP
                : proto === "ICMP" || proto === "ICMPv6"
                  ? L4_ICMP
                  : L4_OTHER;
          if (l4 === L4_OTHER) complete = true;
          break;
        }
        case K_SPT:
          if (s.charCodeAt(i + 2) === 84) p.sport = decimal(s, v, j); // not SPI
          break;
        case K_DPT:
          p.dport = decimal(s, v, j);
          break;
        case K_SEQ:
          if (l4 === L4_TCP) p.seq = decimal(s, v, j);
          else icmpOf(p).seq = decimal(s, v, j) ?? undefined;
          break;
        case K_ACK:
          p.ack = decimal(s, v, j);
          break;
        case K_WINDOW:
          p.tcp_window = decimal(s, v, j);
          break;
        case K_URGP:
          if (l4 === L4_TCP) complete = true;
          break;
        case K_TYPE:
          p.icmp_type = decimal(s, v, j);
          if (l4 === L4_ICMP) complete = true;
          break;
        case K_CODE:
          p.icmp_code = decimal(s, v, j);
          break;
        case K_PARAMETER:
          icmpOf(p).parameter = decimal(s, v, j) ?? undefined;
          break;
        case K_POINTER:
          icmpOf(p).pointer = hex(s, v, j) ?? undefined;
          break;
        case K_GATEWAY:
          icmpOf(p).gateway = s.slice(v, j);
          break;
        case K_MTU:
          icmpOf(p).mtu = decimal(s, v, j) ?? undefined;
          break;
        case K_UID:
          p.uid = decimal(s, v, j);
          break;
        case K_GID:
          p.gid = decimal(s, v, j);
          break;
        case K_MARK:
          p.mark = s.slice(v, j);
          break;
        default:
          // RES, PREC, FLOWLBL, SPI, VID, MACSRC, TUNNEL, ...: not part of the record.
          break;
      }
      i = j;
      continue;
    }
    // A bare word.
    const flag =
      l4 === L4_TCP
        ? flagWord(s, i, j, TCP_FLAGS)
        : l4 === L4_NONE && sawIp
          ? flagWord(s, i, j, IP_FLAGS)
          : null;
    if (flag !== null) {
      (l4 === L4_TCP ? p.flags : p.ip_flags).push(flag);
    } else if (s.startsWith("FRAG:", i)) {
      p.frag = decimal(s, i + 5, j);
      if (p.frag !== null && p.frag > 0) complete = true; // no L4 header in a non-first fragment
    } else if (s.startsWith("OPT", i) && j - i === 3) {
      j = decodeOptions(s, skipSpaces(s, j, end), end, p, l4 === L4_TCP);
      if (p.frag !== null && p.frag > 0) complete = true; // an IPv6 fragment header
    } else if (s.startsWith("INCOMPLETE", i) && j - i === 10) {
      // "INCOMPLETE [65535 bytes]": too short to decode the header that follows.
      const k = skipSpaces(s, j, end);
      if (s.charCodeAt(k) === OPEN_BRACKET) {
        const close = s.indexOf("]", k);
        const stop = close < 0 || close > end ? end : close;
        p.incomplete = decimal(s, k + 1, nextSpace(s, k + 1, stop));
        j = stop + 1;
        complete = true;
      }
    } else if (s.startsWith("TRUNCATED", i)) {
      p.truncated = true;
      complete = true;
    }
    i = j;
  }
  if (!complete) p.truncated = true;
}

/**
 * After "OPT": either "(HEX)" (IPv4 or TCP options) or "( … )" (an IPv6 extension header, with
 * "FRAG:offset [INCOMPLETE] ID:hex" for the fragment header). Returns where decoding goes on.
 */
function decodeOptions(s: string, k: number, end: number, p: PacketFields, tcp: boolean): number {
  if (s.charCodeAt(k) !== OPEN_PAREN) return k;
  const close = s.indexOf(")", k);
  const stop = close < 0 || close > end ? end : close;
  if (stop === end) p.truncated = true;
  if (s.charCodeAt(k + 1) !== SPACE) {
    if (s.startsWith("TRUNCATED", k + 1)) p.truncated = true;
    else if (tcp) p.tcp_opt = s.slice(k + 1, stop);
    return stop + 1;
  }
  let i = k + 1;
  let afterFrag = false;
  while (i < stop) {
    if (s.charCodeAt(i) === SPACE) {
      i++;
      continue;
    }
    let j = nextSpace(s, i, stop);
    const word = i;
    if (s.startsWith("FRAG:", i)) p.frag = decimal(s, i + 5, j);
    else if (s.startsWith("INCOMPLETE", i) && j - i === 10) {
      // "FRAG:n INCOMPLETE ID:…" is the more-fragments bit; "AH INCOMPLETE [n bytes]" and
      // "ESP INCOMPLETE [n bytes]" say the extension header itself was cut short.
      const n = skipSpaces(s, j, stop);
      if (s.charCodeAt(n) === OPEN_BRACKET) {
        const close = s.indexOf("]", n);
        const to = close < 0 || close > stop ? stop : close;
        p.incomplete = decimal(s, n + 1, nextSpace(s, n + 1, to));
        j = to + 1;
      } else if (afterFrag) p.ip_flags.push("MF");
    } else if (s.startsWith("ID:", i)) p.ip_id = hex(s, i + 3, j);
    else if (s.startsWith("TRUNCATED", i)) p.truncated = true;
    afterFrag = s.startsWith("FRAG:", word);
    i = j;
  }
  return stop + 1;
}
