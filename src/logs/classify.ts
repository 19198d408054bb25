// Classifies a reason text (what conntrack printed between "nf_ct_proto_N: " and the packet dump)
// against the catalogue: its stable id, and the values its conversions captured. Two ways in:
// classifyReason takes the text; classifyReasonAt takes the span of a log line where it lies and
// answers without cutting it out, for the spellings it can match exactly that way, which is nearly
// every line a busy host logs (the parser's hot path).
import { L4PROTO } from "../protocols.js";
import { CATALOGUE, type CatalogueEntry } from "./catalogue.js";
import { compilePrintf, type PrintfPattern } from "./printf-pattern.js";

export interface ReasonMatch {
  id: string;
  /** Captured parameters (index, dir, state, bound, ...), or null when the format has none. */
  details: Record<string, string | number> | null;
}

export const UNKNOWN_REASON: ReasonMatch = Object.freeze({ id: "unknown", details: null });

type Value = string | number;
type Details = Record<string, Value>;
/** A details object from the values of a format's conversions, in order (up to five). */
type DetailsMaker = (...values: Value[]) => Details;

/**
 * Details objects written as literals, one per parameter list of the catalogue: each then has one
 * shape V8 knows, where filling an object key by key from a list of names makes every store a
 * slow, megamorphic one (4.5 % of the parser's time on window-bound reasons). A list without a
 * literal here still works, by that slower way; the catalogue's test checks each has one. The
 * values come as arguments, not in an array, so a single number needs no array around it.
 */
export const DETAILS_LITERALS: Record<string, DetailsMaker> = {
  bound: (a) => ({ bound: a }),
  bytes: (a) => ({ bytes: a }),
  state: (a) => ({ state: a }),
  "outer,inner": (a, b) => ({ outer: a, inner: b }),
  "index,dir,state": (a, b, c) => ({ index: a, dir: b, state: c }),
  "old_state,dir,type": (a, b, c) => ({ old_state: a, dir: b, type: c }),
  "vtag,expected,dir": (a, b, c) => ({ vtag: a, expected: b, dir: c }),
  "index,dir,response_index,timeout": (a, b, c, d) => ({ index: a, dir: b, response_index: c, timeout: d }),
  "check,chunk,type,len,flag": (a, b, c, d, e) => ({ check: a, chunk: b, type: c, len: d, flag: e }),
};

/** How the details of a format with these parameters are made. */
function detailsMaker(params: string[]): DetailsMaker {
  return (
    DETAILS_LITERALS[params.join(",")] ??
    ((...v) => {
      const details: Details = {};
      for (let k = 0; k < params.length; k++) details[params[k]] = v[k];
      return details;
    })
  );
}

interface CompiledFormat {
  entry: CatalogueEntry;
  params: string[];
  pattern: PrintfPattern;
  /** The lower-cased literal text before the first conversion: a cheap test before the regex. */
  prefix: string;
  /** False for formats with %u/%x values (bounds, byte counts, tags): nearly every text differs. */
  memoize: boolean;
  /**
   * `pattern`'s regex, sticky and ending where a space or the text's end follows: it matches the
   * format inside a log line, where the reason is followed by the packet dump.
   */
  inLine: RegExp;
  /** Its details object from the values of its conversions. */
  details: DetailsMaker;
  /**
   * For a format whose one conversion is %u (the window bounds, byte counts): where that
   * conversion starts in the text (its digits may follow spaces), so that a regex test finds a
   * match without building one. -1 for other formats.
   */
  numberAt: number;
}

interface ProtocolTable {
  /** Formats without conversions, by their text as written and lower-cased. */
  exact: Map<string, ReasonMatch>;
  patterns: CompiledFormat[];
  /** Memo of recent lookups: reasons repeat a lot on a busy host. */
  memo: Map<string, ReasonMatch>;
}

const MEMO_LIMIT = 4096;
const tables = new Map<number, ProtocolTable>();

for (const entry of CATALOGUE) {
  const l4 = L4PROTO[entry.protocol];
  let table = tables.get(l4);
  if (!table) {
    table = { exact: new Map(), patterns: [], memo: new Map() };
    tables.set(l4, table);
  }
  for (const format of entry.formats) {
    if (format.text.includes("%")) {
      const pattern = compilePrintf(format.text, { strings: "word", ignoreCase: true });
      table.patterns.push({
        entry,
        params: format.params ?? [],
        pattern,
        prefix: format.text.slice(0, format.text.indexOf("%")).toLowerCase(),
        memoize: !/%[ux]/.test(format.text),
        inLine: new RegExp(`${pattern.body}(?= |$)`, "iy"),
        details: detailsMaker(format.params ?? []),
        // The digits must end where the text after them starts: it may not start with one.
        numberAt: /^[^%]*%u(?!\d)[^%]*$/.test(format.text) ? format.text.indexOf("%") : -1,
      });
    } else {
      const match = Object.freeze({ id: entry.id, details: null });
      table.exact.set(format.text, match);
      table.exact.set(format.text.toLowerCase(), match);
    }
  }
}

/**
 * What classifyReasonAt tries for a text that starts with a given character, in the order lookup
 * tries them: the exact texts that start with it, then every pattern whose prefix can (in either
 * letter case; one with an empty prefix can start with anything).
 */
interface Candidate {
  /** An exact text (as written or lower-cased), with its match; or null for a pattern. */
  text: string | null;
  match: ReasonMatch | null;
  compiled: CompiledFormat | null;
}

/** Per protocol number, per first character (printable ASCII): the candidates. */
const candidates: Candidate[][][] = [];

for (const [l4, table] of tables) {
  const byFirst: Candidate[][] = [];
  for (let c = 33; c < 127; c++) {
    const char = String.fromCharCode(c);
    const list: Candidate[] = [];
    for (const [text, match] of table.exact)
      if (text.startsWith(char)) list.push({ text, match, compiled: null });
    for (const compiled of table.patterns) {
      const first = compiled.prefix.charAt(0);
      if (first === "" || first === char.toLowerCase()) list.push({ text: null, match: null, compiled });
    }
    byFirst[c] = list;
  }
  candidates[l4] = byFirst;
}

// "nf_ct_sctp: bad CRC", "nf_ct_dccp: short packet": some protocols name themselves in the reason.
function withoutProtocolTag(reason: string): string {
  if (!reason.startsWith("nf_ct_")) return reason;
  const colon = reason.indexOf(": ");
  return colon > 0 && colon < 20 ? reason.slice(colon + 2) : reason;
}

// Set by lookup: whether its result may be memoised (module state, not an object per line).
let lookupMemoizable = true;

function lookup(table: ProtocolTable, text: string): ReasonMatch | undefined {
  lookupMemoizable = true;
  // Today's spellings match as written; formats with numbers go before the lower-cased lookup
  // (older kernels' capitals), which costs a copy of the text.
  const exact = table.exact.get(text);
  if (exact) return exact;
  for (const compiled of table.patterns) {
    if (!startsWithIgnoringCaseAt(text, 0, text.length, compiled.prefix)) continue;
    const m = compiled.pattern.regex.exec(text);
    if (!m) continue;
    lookupMemoizable = compiled.memoize;
    const match = matchOf(compiled, m);
    // Memoised results are handed to every record with this text: frozen, so none can change them.
    if (compiled.memoize) {
      if (match.details) Object.freeze(match.details);
      Object.freeze(match);
    }
    return match;
  }
  return table.exact.get(text.toLowerCase());
}

/**
 * Map a reason text (as printed between "nf_ct_proto_N: " and " IN=") to its catalogue id.
 * `l4proto` narrows the search ("short packet" exists for several protocols); with null every
 * protocol is tried. Unmatched texts give UNKNOWN_REASON.
 */
export function classifyReason(l4proto: number | null, reason: string): ReasonMatch {
  const text = withoutProtocolTag(reason.trim());
  if (l4proto === null) {
    for (const table of tables.values()) {
      const found = lookup(table, text);
      if (found) return found;
    }
    return UNKNOWN_REASON;
  }
  const table = tables.get(l4proto);
  if (!table) return UNKNOWN_REASON;
  const memo = table.memo.get(text);
  if (memo) return memo;
  const match = lookup(table, text) ?? UNKNOWN_REASON;
  if (!lookupMemoizable) return match;
  if (table.memo.size >= MEMO_LIMIT) table.memo.clear();
  table.memo.set(text, match);
  return match;
}

/**
 * classifyReason(l4proto, s.slice(from, to)), without the slice, or undefined when the text needs
 * classifyReason itself: a protocol name in front of it, spaces around it, a spelling in other
 * letter case than the catalogue's, a format only the regex matches exactly, or no match at all.
 * It tries what classifyReason's lookup tries, in the same order, so where it answers, it gives
 * the same id and details (the memo only saves work, it never changes an answer).
 */
export function classifyReasonAt(
  l4proto: number,
  s: string,
  from: number,
  to: number,
): ReasonMatch | undefined {
  const first = s.charCodeAt(from);
  const last = s.charCodeAt(to - 1);
  if (from >= to || !printable(first) || !printable(last)) return undefined;
  if (first === 110 /* n */ && s.startsWith("nf_ct_", from)) return undefined;
  const list = candidates[l4proto]?.[first];
  if (list === undefined) return undefined;
  for (let k = 0; k < list.length; k++) {
    const candidate = list[k];
    const compiled = candidate.compiled;
    if (compiled === null) {
      // indexOf compares faster than startsWith; the length and last character keep it from
      // searching the rest of the line for a text that is not there.
      const text = candidate.text as string;
      if (
        text.length === to - from &&
        text.charCodeAt(text.length - 1) === last &&
        s.indexOf(text, from) === from
      ) {
        return candidate.match as ReasonMatch;
      }
      continue;
    }
    // The regex in the line finds the same match as the anchored one on the text when it ends
    // where the text does; when its first match ends elsewhere, only the text can say.
    const inLine = compiled.inLine;
    inLine.lastIndex = from;
    if (compiled.numberAt >= 0) {
      if (!inLine.test(s)) continue;
      if (inLine.lastIndex !== to) return undefined;
      return numberMatch(compiled, s, from + compiled.numberAt);
    }
    const m = inLine.exec(s);
    if (m === null) continue;
    if (inLine.lastIndex !== to) return undefined;
    return matchOf(compiled, m);
  }
  return undefined;
}

/** The id and details of a pattern's match, as lookup gives them. */
function matchOf(compiled: CompiledFormat, m: RegExpExecArray): ReasonMatch {
  const { params } = compiled;
  if (params.length === 0) return { id: compiled.entry.id, details: null };
  const values: Value[] = [];
  for (let k = 0; k < params.length; k++) {
    values.push(compiled.pattern.kinds[k] === "number" ? Number(m[k + 1]) : m[k + 1]);
  }
  return {
    id: compiled.entry.id,
    details: compiled.details(values[0], values[1], values[2], values[3], values[4]),
  };
}

/** The match of a format whose one conversion, %u, starts at s[at] (" *(\d+)" matched there). */
function numberMatch(compiled: CompiledFormat, s: string, at: number): ReasonMatch {
  if (compiled.params.length === 0) return { id: compiled.entry.id, details: null };
  while (s.charCodeAt(at) === 32) at++;
  let end = at;
  let n = 0;
  for (let d = s.charCodeAt(end) - 48; d >= 0 && d <= 9; d = s.charCodeAt(++end) - 48) n = n * 10 + d;
  // Number() of the digits, as matchOf takes them; adding digits up is exact to 15 of them.
  const value = end - at <= 15 ? n : Number(s.slice(at, end));
  return { id: compiled.entry.id, details: compiled.details(value) };
}

/** A visible ASCII character: not a space that trim() would take, and no other letter case rule. */
const printable = (c: number): boolean => c > 32 && c < 127;

/** Does s[from, to) start with `prefix` (lower-case), ignoring ASCII case? */
function startsWithIgnoringCaseAt(s: string, from: number, to: number, prefix: string): boolean {
  if (to - from < prefix.length) return false;
  for (let k = 0; k < prefix.length; k++) {
    const c = s.charCodeAt(from + k);
    if (c !== prefix.charCodeAt(k) && (c < 65 || c > 90 || c + 32 !== prefix.charCodeAt(k))) return false;
  }
  return true;
}
