// The packet dump as nf_log_syslog prints it for nearly every INVALID packet, in the kernel's order
// (DOMAIN.md §7): IPv4 without options or IPv6 without extension headers, then TCP, UDP or
// UDP-Lite, an ICMP echo, or a protocol it names by number. One sticky regular expression checks
// that the whole dump has this shape, natively and without allocating; the values are then read
// where the shape says they are, with no key to look at. Any other dump (ICMP errors quoting a
// packet, fragments, options, a cut or damaged line, a key in another place) fails the check and
// is decoded token by token by packet-dump.ts, which gives the same record for a dump this reads
// (test/unit/logs/fast-paths.test.ts compares the two).
import { IP_FLAGS, TCP_FLAGS } from "./dump-tokens.js";
import { flagsOf } from "./flag-sequences.js";
import type { PacketFields } from "./packet-dump.js";

const CANONICAL = new RegExp(
  [
    "IN=[^ ]* OUT=[^ ]* (?:PHYSIN=[^ ]* )?(?:PHYSOUT=[^ ]* )?(?:MAC=[^ ]* )?",
    // IPv4: a source without ":" (the record's family is IPv6 exactly when it has one).
    "(?:SRC=[^ :]+ DST=[^ ]+ LEN=\\d+ TOS=0x[0-9A-F]+ PREC=0x[0-9A-F]+ TTL=\\d+ ID=\\d+ (?:CE )?(?:DF )?(?:MF )?",
    "|SRC=[^ :]*:[^ ]* DST=[^ ]+ LEN=\\d+ TC=\\d+ HOPLIMIT=\\d+ FLOWLBL=\\d+ )",
    "PROTO=(?:TCP SPT=\\d+ DPT=\\d+ SEQ=\\d+ ACK=\\d+ WINDOW=\\d+ RES=0x[0-9A-Fa-f]+ ",
    "(?:(?:AE|CWR|ECE|URG|ACK|PSH|RST|SYN|FIN) ){0,11}URGP=\\d+(?: OPT \\([0-9A-F]+\\))?",
    "|UDP(?:LITE)? SPT=\\d+ DPT=\\d+ LEN=\\d+",
    "|ICMP(?:v6)? TYPE=\\d+ CODE=\\d+(?: ID=\\d+ SEQ=\\d+)?",
    "|\\d+)",
    "(?: UID=\\d+ GID=\\d+)?(?: MARK=0x[0-9a-f]+)? ?$",
  ].join(""),
  "y",
);

const SPACE = 32;
const EQUALS = 61;
const A = 65;
const C = 67;
const D = 68;
const E = 69;
const I = 73;
const M = 77;
const O = 79;
const P = 80;
const R = 82;
const S = 83;
const T = 84;
const U = 85;

// Where the value read last ended (at its space, or the end of the line): module state, since
// this runs for every token of most lines and a returned pair would be an object.
let valueEnd = 0;

/** The text from v to the next space. */
function text(s: string, v: number): string {
  let j = s.indexOf(" ", v);
  if (j < 0) j = s.length;
  valueEnd = j;
  return s.slice(v, j);
}

/** The decimal digits at v (the shape guarantees at least one), in double arithmetic. */
function decimalAt(s: string, v: number): number {
  let n = 0;
  let m = v;
  for (; m < s.length; m++) {
    const d = s.charCodeAt(m) - 48;
    if (d < 0 || d > 9) break;
    n = n * 10 + d;
  }
  valueEnd = m;
  return n;
}

/**
 * decimalAt for the values that are nearly always short (ports, lengths, TTL, window). The sum is
 * exact either way; handing a tenth digit to decimalAt keeps this function's sums under 2^31, so
 * V8 compiles them as 32-bit integer adds instead of the doubles sequence numbers need.
 */
function smallDecimalAt(s: string, v: number): number {
  let n = 0;
  const tenth = v + 9;
  for (let m = v; m < s.length; m++) {
    const d = s.charCodeAt(m) - 48;
    if (d < 0 || d > 9) {
      valueEnd = m;
      return n;
    }
    if (m === tenth) return decimalAt(s, v);
    n = n * 10 + d;
  }
  valueEnd = s.length;
  return n;
}

/** The hex digits at v (after "0x"). */
function hexAt(s: string, v: number): number {
  let n = 0;
  let m = v;
  for (; m < s.length; m++) {
    const c = s.charCodeAt(m);
    if (c === SPACE) break;
    n = n * 16 + (c <= 57 ? c - 48 : (c | 32) - 87);
  }
  valueEnd = m;
  return n;
}

/**
 * The index in TCP_FLAGS of the flag word at s[i] that is `length` letters long: the shape has
 * checked that it is one of them, so its first letter (and, for A, its length) tells which.
 */
function tcpFlagIndex(s: string, i: number, length: number): number {
  switch (s.charCodeAt(i)) {
    case A:
      return length === 2 ? 0 : 4;
    case C:
      return 1;
    case E:
      return 2;
    case U:
      return 3;
    case P:
      return 5;
    case R:
      return 6;
    case S:
      return 7;
    default:
      return 8;
  }
}

/** "SPT=… DPT=… SEQ=… ACK=… WINDOW=… RES=0x.. FLAGS URGP=… [OPT (…)]" at s[i]; where it ends. */
function tcpHeader(s: string, i: number, p: PacketFields): number {
  p.proto = "TCP";
  p.sport = smallDecimalAt(s, i + 4);
  p.dport = smallDecimalAt(s, valueEnd + 5);
  p.seq = decimalAt(s, valueEnd + 5);
  p.ack = decimalAt(s, valueEnd + 5);
  p.tcp_window = smallDecimalAt(s, valueEnd + 8);
  hexAt(s, valueEnd + 7); // RES
  i = valueEnd + 1;
  let flags = 0;
  while (!(s.charCodeAt(i) === U && s.charCodeAt(i + 4) === EQUALS)) {
    const length = s.charCodeAt(i + 2) === SPACE ? 2 : 3;
    flags = flags * 16 + tcpFlagIndex(s, i, length) + 1;
    i += length + 1;
  }
  if (flags > 0) p.flags = flagsOf(flags, TCP_FLAGS, 0);
  smallDecimalAt(s, i + 5); // URGP
  i = valueEnd + 1;
  if (s.charCodeAt(i) === O) {
    const close = s.indexOf(")", i + 5);
    p.tcp_opt = s.slice(i + 5, close);
    i = close + 2;
  }
  return i;
}

/**
 * Decode the dump that starts at s[start] and runs to the end of s into `p`, when it has the
 * canonical shape; false (and `p` untouched) otherwise.
 */
export function decodeCanonicalDump(s: string, start: number, p: PacketFields): boolean {
  CANONICAL.lastIndex = start;
  if (!CANONICAL.test(s)) return false;
  const end = s.length;
  p.in = text(s, start + 3);
  p.out = text(s, valueEnd + 5);
  let i = valueEnd + 1;
  if (s.charCodeAt(i) === P && s.charCodeAt(i + 4) === I) {
    p.physin = text(s, i + 7);
    i = valueEnd + 1;
  }
  if (s.charCodeAt(i) === P) {
    p.physout = text(s, i + 8);
    i = valueEnd + 1;
  }
  if (s.charCodeAt(i) === M) {
    p.mac = text(s, i + 4);
    i = valueEnd + 1;
  }
  p.src = text(s, i + 4);
  p.dst = text(s, valueEnd + 5);
  p.len = smallDecimalAt(s, valueEnd + 5);
  i = valueEnd + 1;
  if (s.charCodeAt(i + 1) === O) {
    // TOS=0x.. PREC=0x.. TTL= ID= [CE] [DF] [MF]
    p.family = "ipv4";
    p.tos = hexAt(s, i + 6);
    hexAt(s, valueEnd + 8); // PREC
    p.ttl = smallDecimalAt(s, valueEnd + 5);
    p.ip_id = smallDecimalAt(s, valueEnd + 4);
    i = valueEnd + 1;
    let ipFlags = 0;
    for (let c = s.charCodeAt(i); c === C || c === D || c === M; c = s.charCodeAt(i)) {
      ipFlags = ipFlags * 16 + (c === C ? 1 : c === D ? 2 : 3);
      i += 3;
    }
    if (ipFlags > 0) p.ip_flags = flagsOf(ipFlags, IP_FLAGS, 1);
  } else {
    // TC= HOPLIMIT= FLOWLBL=
    p.family = "ipv6";
    p.tos = smallDecimalAt(s, i + 3);
    p.ttl = smallDecimalAt(s, valueEnd + 10);
    smallDecimalAt(s, valueEnd + 9); // FLOWLBL
    i = valueEnd + 1;
  }
  // PROTO=: the name's first letter (at i + 6) says which of the shape's protocols follows.
  switch (s.charCodeAt(i + 6)) {
    case T:
      i = tcpHeader(s, i + 10, p);
      break;
    case U: {
      const lite = s.charCodeAt(i + 9) !== SPACE;
      p.proto = lite ? "UDPLITE" : "UDP";
      p.sport = smallDecimalAt(s, i + (lite ? 18 : 14));
      p.dport = smallDecimalAt(s, valueEnd + 5);
      p.l4_len = smallDecimalAt(s, valueEnd + 5);
      i = valueEnd + 1;
      break;
    }
    case I: {
      const v6 = s.charCodeAt(i + 10) !== SPACE;
      p.proto = v6 ? "ICMPv6" : "ICMP";
      p.icmp_type = smallDecimalAt(s, i + (v6 ? 18 : 16));
      p.icmp_code = smallDecimalAt(s, valueEnd + 6);
      i = valueEnd + 1;
      if (s.charCodeAt(i) === I) {
        const id = smallDecimalAt(s, i + 3);
        p.icmp = { id, seq: smallDecimalAt(s, valueEnd + 5) };
        i = valueEnd + 1;
      }
      break;
    }
    default:
      // A protocol nf_log names by its number: nothing of it is printed.
      p.proto = text(s, i + 6);
      i = valueEnd + 1;
  }
  if (i < end && s.charCodeAt(i) === U) {
    p.uid = smallDecimalAt(s, i + 4);
    p.gid = smallDecimalAt(s, valueEnd + 5);
    i = valueEnd + 1;
  }
  if (i < end && s.charCodeAt(i) === M) p.mark = text(s, i + 5);
  return true;
}
