// Decodes the packet dump nf_log_syslog appends to a log prefix ("IN=lo OUT= MAC=… SRC=… DST=… LEN=…
// PROTO=TCP SPT=… DPT=… …", DOMAIN.md §7) in a single left-to-right pass over space-separated
// tokens (which field a token fills is decided in dump-tokens.ts). No regular expressions: busy
// hosts log hundreds of thousands of lines per window.
// Brackets hold the packet an ICMP error quotes ("[SRC=… DST=… …]") and are decoded into `inner`,
// so the quoted addresses never overwrite the outer ones; "OPT ( … )" groups hold IPv6 extension
// headers, "OPT (HEX)" IP or TCP options, "INCOMPLETE [n bytes]" a packet too short to decode.
import {
  code,
  Field,
  fieldOf,
  IP_FLAGS,
  knownToken,
  nextSpace,
  shortValueEnd,
  TCP_FLAGS,
} from "./dump-tokens.js";
import { fastPaths } from "./fast-paths.js";
import { flagCode, flagsOf, NO_FLAGS } from "./flag-sequences.js";
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

/** The index in `words` of the flag word s[from, to), or -1. */
function flagIndex(s: string, from: number, to: number, words: readonly string[]): number {
  for (let k = 0; k < words.length; k++) {
    if (to - from === words[k].length && s.startsWith(words[k], from)) return k;
  }
  return -1;
}

/** MF's index in IP_FLAGS: an IPv6 fragment header that says more fragments follow. */
const MORE_FRAGMENTS = IP_FLAGS.indexOf("MF");

// PROTO values as shared constants rather than a fresh string per record.
const PROTO_NAMES = ["TCP", "UDP", "UDPLITE", "ICMP", "ICMPv6", "AH", "ESP"];
function protoName(s: string, from: number, to: number): string {
  // TCP and UDP first, by their letters: nearly every line names one of them.
  if (to - from === 3 && s.charCodeAt(from + 2) === 80 /* P */) {
    const c0 = s.charCodeAt(from);
    const c1 = s.charCodeAt(from + 1);
    if (c0 === 84 /* T */ && c1 === 67 /* C */) return "TCP";
    if (c0 === 85 /* U */ && c1 === 68 /* D */) return "UDP";
  }
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

/** What decoding has learnt so far about the packet, which decides how later tokens are read. */
interface DumpState {
  /** What the L4 part is: how SEQ, ACK, ID, LEN and bare words are read. */
  l4: number;
  /** SRC= was seen: bare words after it are IP flags (until PROTO=). */
  sawIp: boolean;
  /**
   * The dump reached the field the kernel prints last for this protocol, so that a line cut short
   * (syslog line limits, a damaged file) is flagged as truncated.
   */
  complete: boolean;
  /** The TCP and IP flags so far, as flagCode builds them (-1: too many, pushed onto the record's). */
  tcpFlags: number;
  ipFlags: number;
}

/** Keeps TCP flag `index` (in TCP_FLAGS), or IP flag `index` (in IP_FLAGS) when `ip`. */
function keepFlag(p: PacketFields, st: DumpState, ip: boolean, index: number): void {
  const sequence = ip ? st.ipFlags : st.tcpFlags;
  const next = sequence < 0 ? -1 : flagCode(sequence, index);
  if (next >= 0) {
    if (ip) st.ipFlags = next;
    else st.tcpFlags = next;
    return;
  }
  // Past what a number holds (no kernel prints this many): the flags so far, then one by one.
  if (sequence >= 0) {
    if (ip) {
      p.ip_flags = [...flagsOf(sequence, IP_FLAGS, 1)];
      st.ipFlags = -1;
    } else {
      p.flags = [...flagsOf(sequence, TCP_FLAGS, 0)];
      st.tcpFlags = -1;
    }
  }
  if (ip) p.ip_flags.push(IP_FLAGS[index]);
  else p.flags.push(TCP_FLAGS[index]);
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
  const st: DumpState = {
    l4: tagProtocol === 6 ? L4_TCP : L4_NONE,
    sawIp: false,
    complete: false,
    tcpFlags: 0,
    ipFlags: 0,
  };
  let i = start;
  while (i < end) {
    const c = s.charCodeAt(i);
    if (c === SPACE) {
      i++;
      continue;
    }
    if (c === OPEN_BRACKET) {
      // "[SRC=…]": the packet an ICMP error quotes.
      const close = closingBracket(s, i, end);
      if (!quoted && st.l4 === L4_ICMP) {
        const inner = emptyPacketFields();
        decodePacketDump(s, i + 1, close, inner, true);
        if (close >= end) inner.truncated = p.truncated = true;
        p.inner = innerPacketOf(inner);
      }
      i = close + 1;
      continue;
    }
    const known = fastPaths.enabled ? knownToken(s, i, c, end) : -1;
    let field = known & 255;
    let v = i + (known >> 8);
    if (field >= Field.TCP_FLAG && known >= 0) {
      addFlag(field, p, st);
      i = v + 1;
      continue;
    }
    if (known < 0) {
      // Any other token, read in full: a rarer key, or a bare word (OPT, FRAG:, INCOMPLETE, ...).
      const j = nextSpace(s, i, end);
      const eq = s.indexOf("=", i);
      if (eq <= i || eq >= j) {
        i = bareWord(s, i, j, end, p, st);
        continue;
      }
      field = fieldOf(code(s, i, eq));
      v = eq + 1;
    }
    if (field < Field.LEN) {
      // Text (the fields from LEN on hold decimal numbers). The token ends at a space or at
      // `end`: either way, decoding goes on after it.
      const j = fastPaths.enabled ? shortValueEnd(s, v, end) : nextSpace(s, v, end);
      i = textField(s, field, v, j, p, st) + 1;
      continue;
    }
    // A decimal value (as decimal() reads it), whose digits also find the token's end.
    let n = 0;
    let m = v;
    for (; m < end; m++) {
      const d = s.charCodeAt(m) - 48;
      if (d < 0 || d > 9) break;
      n = n * 10 + d;
    }
    if (m === end || s.charCodeAt(m) === SPACE) {
      numberField(field, m > v ? n : null, p, st);
      i = m + 1;
    } else {
      numberField(field, null, p, st);
      i = nextSpace(s, m, end) + 1;
    }
  }
  if (!st.complete) p.truncated = true;
  if (st.tcpFlags > 0) p.flags = flagsOf(st.tcpFlags, TCP_FLAGS, 0);
  if (st.ipFlags > 0) p.ip_flags = flagsOf(st.ipFlags, IP_FLAGS, 1);
}

/** A field whose value is text, s[v, j); returns where decoding goes on. */
function textField(s: string, field: number, v: number, j: number, p: PacketFields, st: DumpState): number {
  switch (field) {
    case Field.IN:
      p.in = s.slice(v, j);
      break;
    case Field.OUT:
      p.out = s.slice(v, j);
      break;
    case Field.PHYSIN:
      p.physin = s.slice(v, j);
      break;
    case Field.PHYSOUT:
      p.physout = s.slice(v, j);
      break;
    case Field.MAC:
      p.mac = s.slice(v, j);
      break;
    case Field.SRC:
      p.src = s.slice(v, j);
      p.family = p.src.includes(":") ? "ipv6" : "ipv4";
      st.sawIp = true;
      break;
    case Field.DST:
      p.dst = s.slice(v, j);
      break;
    case Field.MARK:
      p.mark = s.slice(v, j);
      break;
    case Field.GATEWAY:
      icmpOf(p).gateway = s.slice(v, j);
      break;
    case Field.TOS:
      p.tos = s.charCodeAt(v) === 48 && s.charCodeAt(v + 1) === 120 ? hex(s, v, j) : decimal(s, v, j);
      break;
    case Field.POINTER:
      icmpOf(p).pointer = hex(s, v, j) ?? undefined;
      break;
    case Field.PROTO: {
      const proto = protoName(s, v, j);
      p.proto = proto;
      st.l4 =
        proto === "TCP"
          ? L4_TCP
          : proto === "UDP" || proto === "UDPLITE"
            ? L4_UDP
            : proto === "ICMP" || proto === "ICMPv6"
              ? L4_ICMP
              : L4_OTHER;
      if (st.l4 === L4_OTHER) st.complete = true;
      break;
    }
    default:
      break;
  }
  return j;
}

/** A field whose value is a decimal number (null when empty or not all digits). */
function numberField(field: number, n: number | null, p: PacketFields, st: DumpState): void {
  switch (field) {
    case Field.LEN:
      if (st.l4 === L4_NONE) p.len = n;
      else {
        p.l4_len = n;
        if (st.l4 === L4_UDP) st.complete = true;
      }
      break;
    case Field.TTL:
      p.ttl = n;
      break;
    case Field.ID:
      if (st.l4 === L4_NONE) p.ip_id = n;
      else icmpOf(p).id = n ?? undefined;
      break;
    case Field.SPT:
      p.sport = n;
      break;
    case Field.DPT:
      p.dport = n;
      break;
    case Field.SEQ:
      if (st.l4 === L4_TCP) p.seq = n;
      else icmpOf(p).seq = n ?? undefined;
      break;
    case Field.ACK:
      p.ack = n;
      break;
    case Field.WINDOW:
      p.tcp_window = n;
      break;
    case Field.URGP:
      if (st.l4 === L4_TCP) st.complete = true;
      break;
    case Field.TYPE:
      p.icmp_type = n;
      if (st.l4 === L4_ICMP) st.complete = true;
      break;
    case Field.CODE:
      p.icmp_code = n;
      break;
    case Field.PARAMETER:
      icmpOf(p).parameter = n ?? undefined;
      break;
    case Field.MTU:
      icmpOf(p).mtu = n ?? undefined;
      break;
    case Field.UID:
      p.uid = n;
      break;
    case Field.GID:
      p.gid = n;
      break;
  }
}

/** A flag word knownToken recognised: kept where bareWord would keep it. */
function addFlag(field: number, p: PacketFields, st: DumpState): void {
  if (field >= Field.IP_FLAG) {
    if (st.l4 === L4_NONE && st.sawIp) keepFlag(p, st, true, field - Field.IP_FLAG);
  } else if (st.l4 === L4_TCP) keepFlag(p, st, false, field - Field.TCP_FLAG);
}

/** A word without "=" in s[i, j): a TCP or IP flag, FRAG:, OPT (…), INCOMPLETE […], TRUNCATED. */
function bareWord(s: string, i: number, j: number, end: number, p: PacketFields, st: DumpState): number {
  // A flag word is kept where addFlag keeps the ones knownToken recognised (or not at all): the two
  // sets share no word, so no other reading of it is lost.
  const tcpFlag = flagIndex(s, i, j, TCP_FLAGS);
  const ipFlag = tcpFlag < 0 ? flagIndex(s, i, j, IP_FLAGS) : -1;
  if (tcpFlag >= 0) addFlag(Field.TCP_FLAG + tcpFlag, p, st);
  else if (ipFlag >= 0) addFlag(Field.IP_FLAG + ipFlag, p, st);
  else if (s.startsWith("FRAG:", i)) {
    p.frag = decimal(s, i + 5, j);
    if (p.frag !== null && p.frag > 0) st.complete = true; // no L4 header in a non-first fragment
  } else if (s.startsWith("OPT", i) && j - i === 3) {
    j = decodeOptions(s, skipSpaces(s, j, end), end, p, st);
    if (p.frag !== null && p.frag > 0) st.complete = true; // an IPv6 fragment header
  } else if (s.startsWith("INCOMPLETE", i) && j - i === 10) {
    // "INCOMPLETE [65535 bytes]": too short to decode the header that follows.
    const k = skipSpaces(s, j, end);
    if (s.charCodeAt(k) === OPEN_BRACKET) {
      const close = s.indexOf("]", k);
      const stop = close < 0 || close > end ? end : close;
      p.incomplete = decimal(s, k + 1, nextSpace(s, k + 1, stop));
      j = stop + 1;
      st.complete = true;
    }
  } else if (s.startsWith("TRUNCATED", i)) {
    p.truncated = true;
    st.complete = true;
  }
  return j;
}

/**
 * After "OPT": either "(HEX)" (IPv4 or TCP options) or "( … )" (an IPv6 extension header, with
 * "FRAG:offset [INCOMPLETE] ID:hex" for the fragment header). Returns where decoding goes on.
 */
function decodeOptions(s: string, k: number, end: number, p: PacketFields, st: DumpState): number {
  const tcp = st.l4 === L4_TCP;
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
      } else if (afterFrag) keepFlag(p, st, true, MORE_FRAGMENTS);
    } else if (s.startsWith("ID:", i)) p.ip_id = hex(s, i + 3, j);
    else if (s.startsWith("TRUNCATED", i)) p.truncated = true;
    afterFrag = s.startsWith("FRAG:", word);
    i = j;
  }
  return stop + 1;
}
