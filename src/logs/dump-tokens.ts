// Which field of a record a packet-dump token fills: the kernel's key names, dispatched on a number
// made from each key (fieldOf, for any key), and the fast recognition of the keys and flag words
// nearly every dump has by their letters alone (knownToken), which src/logs/packet-dump.ts tries
// first for every token.

const SPACE = 32;
const EQUALS = 61;

/** The flag words, in the kernel's order; knownToken names them by their index here. */
export const TCP_FLAGS = ["AE", "CWR", "ECE", "URG", "ACK", "PSH", "RST", "SYN", "FIN"];
export const IP_FLAGS = ["CE", "DF", "MF"];

// Keys are dispatched on a number made of their length, first two and last characters (unique for
// every key nf_log_syslog prints), so that no key string is allocated per token.
export function code(s: string, from: number, to: number): number {
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

/**
 * The fields of the record a key fills; those from LEN on hold a decimal number. What
 * knownToken recognises besides keys: a flag word, as TCP_FLAG or IP_FLAG plus its index in
 * TCP_FLAGS or IP_FLAGS.
 */
export const enum Field {
  NONE = 0,
  IN = 1,
  OUT = 2,
  PHYSIN = 3,
  PHYSOUT = 4,
  MAC = 5,
  SRC = 6,
  DST = 7,
  MARK = 8,
  GATEWAY = 9,
  TOS = 10,
  POINTER = 11,
  PROTO = 12,
  LEN = 13,
  TTL = 14,
  ID = 15,
  SPT = 16,
  DPT = 17,
  SEQ = 18,
  ACK = 19,
  WINDOW = 20,
  URGP = 21,
  TYPE = 22,
  CODE = 23,
  PARAMETER = 24,
  MTU = 25,
  UID = 26,
  GID = 27,
  TCP_FLAG = 100,
  IP_FLAG = 200,
}

/** The field a key (its code) fills; NONE for RES, PREC, FLOWLBL, SPI, VID, MACSRC, TUNNEL, ... */
export function fieldOf(keyCode: number): number {
  switch (keyCode) {
    case K_IN:
      return Field.IN;
    case K_OUT:
      return Field.OUT;
    case K_PHYSIN:
      return Field.PHYSIN;
    case K_PHYSOUT:
      return Field.PHYSOUT;
    case K_MAC:
      return Field.MAC;
    case K_SRC:
      return Field.SRC;
    case K_DST:
      return Field.DST;
    case K_MARK:
      return Field.MARK;
    case K_GATEWAY:
      return Field.GATEWAY;
    case K_TOS:
    case K_TC:
      return Field.TOS;
    case K_POINTER:
      return Field.POINTER;
    case K_PROTO:
      return Field.PROTO;
    case K_LEN:
      return Field.LEN;
    case K_TTL:
    case K_HOPLIMIT:
      return Field.TTL;
    case K_ID:
      return Field.ID;
    case K_SPT:
      return Field.SPT;
    case K_DPT:
      return Field.DPT;
    case K_SEQ:
      return Field.SEQ;
    case K_ACK:
      return Field.ACK;
    case K_WINDOW:
      return Field.WINDOW;
    case K_URGP:
      return Field.URGP;
    case K_TYPE:
      return Field.TYPE;
    case K_CODE:
      return Field.CODE;
    case K_PARAMETER:
      return Field.PARAMETER;
    case K_MTU:
      return Field.MTU;
    case K_UID:
      return Field.UID;
    case K_GID:
      return Field.GID;
    default:
      return Field.NONE;
  }
}

export function nextSpace(s: string, from: number, end: number): number {
  const j = s.indexOf(" ", from);
  return j < 0 || j > end ? end : j;
}

const A = 65;
const C = 67;
const D = 68;
const E = 69;
const F = 70;
const G = 71;
const H = 72;
const I = 73;
const K = 75;
const L = 76;
const M = 77;
const N = 78;
const O = 79;
const P = 80;
const Q = 81;
const R = 82;
const S = 83;
const T = 84;
const U = 85;
const W = 87;
const Y = 89;

/**
 * What the token at s[i] (its first character `c`) is, when it is one of the keys or flag words
 * nearly every dump has: recognised by its letters and the "=" or space after them. Returns the
 * field (or flag) in the low 8 bits and, above them, how far from i its value starts (or the
 * word ends): `Field.SRC | (4 << 8)`. -1 for any other token. Reading the few characters where
 * such a token must have them costs less than finding the token's "=" and end with indexOf and
 * hashing its key: this runs for every token of every line. Written out rather than through a
 * helper, which V8 did not inline here. Where it answers, fieldOf and bareWord would read the
 * token the same way.
 */
export function knownToken(s: string, i: number, c: number, end: number): number {
  const c1 = s.charCodeAt(i + 1);
  const c2 = s.charCodeAt(i + 2);
  const c3 = s.charCodeAt(i + 3);
  switch (c) {
    case I: // IN= ID=
      if (c2 !== EQUALS) return -1;
      return c1 === N ? Field.IN | (3 << 8) : c1 === D ? Field.ID | (3 << 8) : -1;
    case S: // SRC= SPT= SEQ= SYN
      if (c3 === EQUALS) {
        if (c1 === R && c2 === C) return Field.SRC | (4 << 8);
        if (c1 === P && c2 === T) return Field.SPT | (4 << 8);
        if (c1 === E && c2 === Q) return Field.SEQ | (4 << 8);
        return -1;
      }
      return c1 === Y && c2 === N ? word(s, i, 3, end, Field.TCP_FLAG + 7) : -1;
    case D: // DST= DPT= DF
      if (c3 === EQUALS && c2 === T)
        return c1 === S ? Field.DST | (4 << 8) : c1 === P ? Field.DPT | (4 << 8) : -1;
      return c1 === F ? word(s, i, 2, end, Field.IP_FLAG + 1) : -1;
    case L: // LEN=
      return c3 === EQUALS && c1 === E && c2 === N ? Field.LEN | (4 << 8) : -1;
    case T: // TTL= TOS= TYPE=
      if (c3 === EQUALS)
        return c1 === T && c2 === L ? Field.TTL | (4 << 8) : c1 === O && c2 === S ? Field.TOS | (4 << 8) : -1;
      return c1 === Y && c2 === P && c3 === E && s.charCodeAt(i + 4) === EQUALS ? Field.TYPE | (5 << 8) : -1;
    case O: // OUT=
      return c3 === EQUALS && c1 === U && c2 === T ? Field.OUT | (4 << 8) : -1;
    case M: // MAC= MARK= MF
      if (c1 === A) {
        if (c3 === EQUALS) return c2 === C ? Field.MAC | (4 << 8) : -1;
        return c2 === R && c3 === K && s.charCodeAt(i + 4) === EQUALS ? Field.MARK | (5 << 8) : -1;
      }
      return c1 === F ? word(s, i, 2, end, Field.IP_FLAG + 2) : -1;
    case A: // ACK= ACK AE
      if (c1 === C && c2 === K)
        return c3 === EQUALS ? Field.ACK | (4 << 8) : word(s, i, 3, end, Field.TCP_FLAG + 4);
      return c1 === E ? word(s, i, 2, end, Field.TCP_FLAG) : -1;
    case P: // PROTO= PREC= PSH
      if (c1 === R) {
        if (c2 === E && c3 === C && s.charCodeAt(i + 4) === EQUALS) return Field.NONE | (5 << 8);
        return c2 === O && c3 === T && s.charCodeAt(i + 4) === O && s.charCodeAt(i + 5) === EQUALS
          ? Field.PROTO | (6 << 8)
          : -1;
      }
      return c1 === S && c2 === H ? word(s, i, 3, end, Field.TCP_FLAG + 5) : -1;
    case R: // RES= RST
      if (c1 === E && c2 === S) return c3 === EQUALS ? Field.NONE | (4 << 8) : -1;
      return c1 === S && c2 === T ? word(s, i, 3, end, Field.TCP_FLAG + 6) : -1;
    case W: // WINDOW=
      return c1 === I &&
        c2 === N &&
        c3 === D &&
        s.charCodeAt(i + 4) === O &&
        s.charCodeAt(i + 5) === W &&
        s.charCodeAt(i + 6) === EQUALS
        ? Field.WINDOW | (7 << 8)
        : -1;
    case U: // URGP= UID= URG
      if (c1 === I) return c2 === D && c3 === EQUALS ? Field.UID | (4 << 8) : -1;
      if (c1 !== R || c2 !== G) return -1;
      if (c3 === P) return s.charCodeAt(i + 4) === EQUALS ? Field.URGP | (5 << 8) : -1;
      return word(s, i, 3, end, Field.TCP_FLAG + 3);
    case G: // GID=
      return c3 === EQUALS && c1 === I && c2 === D ? Field.GID | (4 << 8) : -1;
    case C: // CODE= CWR CE
      if (c1 === O)
        return c2 === D && c3 === E && s.charCodeAt(i + 4) === EQUALS ? Field.CODE | (5 << 8) : -1;
      if (c1 === W) return c2 === R ? word(s, i, 3, end, Field.TCP_FLAG + 1) : -1;
      return c1 === E ? word(s, i, 2, end, Field.IP_FLAG) : -1;
    case E: // ECE
      return c1 === C && c2 === E ? word(s, i, 3, end, Field.TCP_FLAG + 2) : -1;
    case F: // FIN
      return c1 === I && c2 === N ? word(s, i, 3, end, Field.TCP_FLAG + 8) : -1;
    case H: // HOPLIMIT=
      return c1 === O &&
        c2 === P &&
        c3 === L &&
        s.charCodeAt(i + 4) === I &&
        s.charCodeAt(i + 5) === M &&
        s.charCodeAt(i + 6) === I &&
        s.charCodeAt(i + 7) === T &&
        s.charCodeAt(i + 8) === EQUALS
        ? Field.TTL | (9 << 8)
        : -1;
    default:
      return -1;
  }
}

/** `flag` when the token at s[i] is `length` letters long (its letters already checked), else -1. */
function word(s: string, i: number, length: number, end: number, flag: number): number {
  const after = i + length;
  return after === end || s.charCodeAt(after) === SPACE ? flag | (length << 8) : -1;
}

/**
 * Where the value at s[v] ends (a space, or `end`). Most are short: an empty OUT=, "0x00" (TOS,
 * PREC, RES), "TCP"; looking a few characters ahead finds those without a search.
 */
export function shortValueEnd(s: string, v: number, end: number): number {
  if (v + 4 >= end) return nextSpace(s, v, end);
  if (s.charCodeAt(v) === SPACE) return v;
  if (s.charCodeAt(v + 1) === SPACE) return v + 1;
  if (s.charCodeAt(v + 2) === SPACE) return v + 2;
  if (s.charCodeAt(v + 3) === SPACE) return v + 3;
  if (s.charCodeAt(v + 4) === SPACE) return v + 4;
  return nextSpace(s, v + 5, end);
}
