// Dynamic-debug (pr_debug) output of conntrack sites, and the classifier that tells kernel messages
// apart: conntrack INVALID lines, pr_debug lines of the profile's printk sites, or anything else.
//
// pr_debug prints the bare formatted message unless the site's flags ask for decoration
// (lib/dynamic_debug.c): "t" → "[tid] " (or "<intr> "), then "m" → "module:", "f" → "func:",
// "s" → "file:", "l" → "line:", then one space. The message text alone cannot say which site wrote
// it, so sites (read from the host's control file) are matched by their format string, converted
// to a pattern (%d, %u, %s, %pI4, ...), with the decoration they may carry.
import type { PrintkSite } from "../facts/types.js";
import { L4PROTO, type Protocol } from "../protocols.js";
import { compilePrintf, matchPrintf, unescapeControlFormat, type PrintfPattern } from "./printf-pattern.js";
import {
  blankRecord,
  isInvalidLine,
  isProtocolDebugLine,
  type FullRecord,
  type ParseContext,
} from "./parse.js";
import type { PrintkOrigin } from "./record.js";

export interface PrintkMatch {
  kind: "printk";
  /** The first matching site; see `candidates`. */
  site: PrintkSite;
  /**
   * Every site the message may have come from: several sites can share a format (6.1's SCTP
   * tracker prints "Setting vtag %x for dir %d" from three lines) and a bare message cannot tell
   * them apart; the m/f/s/l decorations narrow it down.
   */
  candidates: PrintkSite[];
  /** The message without the dynamic-debug decoration. */
  body: string;
  tid: number | null;
  /** Values of the format's conversions, in order. */
  values: Array<string | number>;
}

export type KernelMessageClass = { kind: "invalid" } | PrintkMatch;

interface CompiledSite {
  site: PrintkSite;
  format: string;
  pattern: PrintfPattern;
  decorations: string[];
  /** Sites with the same format (this one included). */
  group: CompiledSite[];
}

const INVALID: KernelMessageClass = Object.freeze({ kind: "invalid" });

/** Split "[1234] " / "<intr> " off the front. */
function splitThreadId(message: string): { tid: number | null; rest: string } {
  if (message.startsWith("<intr> ")) return { tid: null, rest: message.slice(7) };
  if (message.charCodeAt(0) === 91) {
    const close = message.indexOf("] ");
    if (close > 1 && /^\d+$/.test(message.slice(1, close))) {
      return { tid: Number(message.slice(1, close)), rest: message.slice(close + 2) };
    }
  }
  return { tid: null, rest: message };
}

/**
 * Remove "module:func:file:line: " as far as it belongs to this site: the bitmask of the parts
 * present (1 module, 2 func, 4 file, 8 line) and the rest; null when none is there.
 */
function stripDecoration(text: string, decorations: string[]): { parts: number; body: string } | null {
  let pos = 0;
  let parts = 0;
  decorations.forEach((part, k) => {
    if (text.startsWith(part, pos)) {
      pos += part.length;
      parts |= 1 << k;
    }
  });
  if (pos === 0 || text.charCodeAt(pos) !== 32) return null;
  return { parts, body: text.slice(pos + 1) };
}

function compileSite(site: PrintkSite): CompiledSite {
  const format = unescapeControlFormat(site.format).replace(/\n$/, "");
  return {
    site,
    format,
    pattern: compilePrintf(format, { strings: "any" }),
    decorations: [`${site.module}:`, `${site.func}:`, `${site.file}:`, `${site.line}:`],
    group: [],
  };
}

/**
 * Build a classifier for the given printk sites (empty: only INVALID lines are recognised).
 * Returns null for messages that are neither. Decorated messages are matched first (the
 * decoration names the site), then bare ones.
 */
export function createKernelMessageClassifier(
  sites: readonly PrintkSite[],
): (message: string) => KernelMessageClass | null {
  const compiled = sites.map(compileSite);
  const byFormat = new Map<string, CompiledSite[]>();
  for (const c of compiled) {
    const group = byFormat.get(c.format) ?? [];
    group.push(c);
    byFormat.set(c.format, group);
    c.group = group;
  }
  return (message) => {
    if (isInvalidLine(message)) return INVALID;
    // "nf_ct_tcp: …" without a packet dump: a tracker's debug line. A site names it best; failing
    // that, parseLogLine still makes it a printk record from its tag.
    const fallback = isProtocolDebugLine(message) ? INVALID : null;
    if (compiled.length === 0) return fallback;
    const { tid, rest } = splitThreadId(message);
    for (const c of compiled) {
      const decorated = stripDecoration(rest, c.decorations);
      if (!decorated) continue;
      const values = matchPrintf(c.pattern, decorated.body);
      if (!values) continue;
      const candidates = c.group
        .filter((g) =>
          g.decorations.every((part, k) => !(decorated.parts & (1 << k)) || part === c.decorations[k]),
        )
        .map((g) => g.site);
      return { kind: "printk", site: c.site, candidates, body: decorated.body, tid, values };
    }
    for (const c of compiled) {
      const values = matchPrintf(c.pattern, rest);
      if (values)
        return {
          kind: "printk",
          site: c.site,
          candidates: c.group.map((g) => g.site),
          body: rest,
          tid,
          values,
        };
    }
    return fallback;
  };
}

const classifiers = new WeakMap<readonly PrintkSite[], (message: string) => KernelMessageClass | null>();

/** One-off form of createKernelMessageClassifier (compiled sites are cached per array). */
export function classifyKernelMessage(
  message: string,
  sites: readonly PrintkSite[] = [],
): KernelMessageClass | null {
  let classify = classifiers.get(sites);
  if (!classify) {
    classify = createKernelMessageClassifier(sites);
    classifiers.set(sites, classify);
  }
  return classify(message);
}

// nf_ct_dump_tuple() and similar helpers print "… 10.0.0.1:1234 -> 10.0.0.2:80" (or "addr port").
const TUPLE =
  /(\d{1,3}(?:\.\d{1,3}){3}|[0-9a-fA-F]*:[0-9a-fA-F:]+)[: ](\d+) -> (\d{1,3}(?:\.\d{1,3}){3}|[0-9a-fA-F]*:[0-9a-fA-F:]+)[: ](\d+)/;

function protocolOfFile(file: string | null): number | null {
  const m = file ? /nf_conntrack_proto_([a-z0-9]+)\.c$/.exec(file) : null;
  return m ? (L4PROTO[m[1] as Protocol] ?? null) : null;
}

/**
 * A pr_debug line as a record of kind "printk": reason = the message without decoration,
 * reason_id = "printk.<module>" (or "printk"), details = the format's values (arg1, arg2, ...),
 * plus addresses and ports when the message prints a tuple.
 */
export function parsePrintkLine(message: string, ctx: ParseContext, match?: PrintkMatch | null): FullRecord {
  const record = blankRecord("printk", message, ctx);
  const site = match?.site ?? null;
  const { tid, rest } = match ? { tid: match.tid, rest: match.body } : splitThreadId(message);
  // What all candidate sites agree on; null where they differ (or no site is known).
  const agreed = <K extends "module" | "func" | "file" | "line">(key: K): PrintkSite[K] | null => {
    const values = new Set((match?.candidates ?? []).map((c) => c[key]));
    return values.size === 1 ? [...values][0] : null;
  };
  const origin: PrintkOrigin = {
    module: agreed("module"),
    func: agreed("func"),
    file: agreed("file"),
    line: agreed("line"),
    tid,
    format: site ? unescapeControlFormat(site.format).replace(/\n$/, "") : null,
  };
  record.printk = origin;
  record.reason = rest;
  record.reason_id = origin.module ? `printk.${origin.module}` : "printk";
  record.l4proto = protocolOfFile(origin.file ?? site?.file ?? null);
  if (match && match.values.length > 0) {
    const details: Record<string, string | number> = {};
    match.values.forEach((v, k) => (details[`arg${k + 1}`] = v));
    record.details = details;
  }
  const tuple = TUPLE.exec(rest);
  if (tuple) {
    record.src = tuple[1];
    record.sport = Number(tuple[2]);
    record.dst = tuple[3];
    record.dport = Number(tuple[4]);
    record.family = tuple[1].includes(":") ? "ipv6" : "ipv4";
  }
  return record;
}

// "nf_conntrack:do_basic_checks:180: Basic checks failed": a site's message decorated with its
// module, function and line (flags m, f, l), which names the site without the control file.
const DECORATED = /^(nf_[a-z0-9_]+|nfnetlink[a-z0-9_]*):(?:([A-Za-z_]\w*):)?(?:(\d+):)? /;

/** A decorated netfilter debug message as a printk record, for logs read without their host. */
export function parseDecoratedPrintk(message: string, ctx: ParseContext): FullRecord | null {
  const { tid, rest } = splitThreadId(message);
  const m = DECORATED.exec(rest);
  if (!m || (m[2] === undefined && m[3] === undefined)) return null;
  const record = blankRecord("printk", message, ctx);
  record.printk = {
    module: m[1],
    func: m[2] ?? null,
    file: null,
    line: m[3] ? Number(m[3]) : null,
    tid,
    format: null,
  };
  record.reason = rest.slice(m[0].length);
  record.reason_id = `printk.${m[1]}`;
  return record;
}
