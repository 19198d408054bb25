#!/usr/bin/env node
// Extracts the formats conntrack's INVALID logging can print from a kernel source tree, as data for
// test/fixtures/kernel-formats/<version>.json (the catalogue is checked against them).
//
//   node scripts/extract-invalid-formats.mjs <kernel-dir>                 a checked-out tree
//   node scripts/extract-invalid-formats.mjs --git <git-dir> [--rev REV]  a (bare) repository
//        [--repository owner/name]                                       recorded as the source
//
// Reads net/netfilter/nf_conntrack_proto*.c, nf_conntrack_core.c and the ICMP/ICMPv6 trackers under
// net/ipv{4,6}/netfilter/. A call site is nf_l4proto_log_invalid, nf_ct_l4proto_log_invalid,
// nf_log_packet (4.14's LOG_INVALID sites), or a variadic wrapper of theirs (6.1's
// nf_tcp_log_invalid). Its format is the first argument made only of string literals (adjacent
// literals concatenated, as C does). A %s whose argument is a literal, a ternary of literals, a
// local variable assigned literals, or a parameter of a wrapper (tcp_error_log(..., msg)) is
// replaced by each text it can take; other %s (state names, __func__) stay conversions.
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";

const LOG_FUNCTIONS = ["nf_l4proto_log_invalid", "nf_ct_l4proto_log_invalid", "nf_log_packet"];
const PROTOCOLS = {
  TCP: "tcp",
  UDP: "udp",
  UDPLITE: "udplite",
  ICMP: "icmp",
  ICMPV6: "icmpv6",
  SCTP: "sctp",
  DCCP: "dccp",
  GRE: "gre",
};
const CONVERSION =
  /%[-+ #0]*(?:\d+|\*)?(?:\.(?:\d+|\*))?(?:hh|h|ll|l|z|t|j|L)?([diouxXcsp%])((?<=p)[A-Za-z0-9]*)?/g;

// --- reading the tree ------------------------------------------------------------------------
function treeReader(argv) {
  const at = (flag) => (argv.includes(flag) ? argv[argv.indexOf(flag) + 1] : undefined);
  const gitDir = at("--git");
  if (!gitDir) {
    const root = argv.find((a, k) => !a.startsWith("--") && !argv[k - 1]?.startsWith("--"));
    if (!root)
      throw new Error("usage: extract-invalid-formats.mjs <kernel-dir> | --git <git-dir> [--rev REV]");
    return {
      list: (dir) =>
        existsSync(join(root, dir)) ? readdirSync(join(root, dir)).map((n) => `${dir}/${n}`) : [],
      read: (path) => readFileSync(join(root, path), "utf8"),
      source: { repository: at("--repository") ?? null, commit: null },
    };
  }
  const git = (...args) =>
    execFileSync("git", ["--git-dir", gitDir, ...args], { encoding: "utf8", maxBuffer: 1 << 26 });
  const commit = git("rev-parse", `${at("--rev") ?? "HEAD"}^{commit}`).trim();
  return {
    list: (dir) => git("ls-tree", "--name-only", commit, "--", `${dir}/`).split("\n").filter(Boolean),
    read: (path) => git("show", `${commit}:${path}`),
    source: { repository: at("--repository") ?? null, commit },
  };
}

/** VERSION.PATCHLEVEL.SUBLEVEL, and EXTRAVERSION apart (a local "-rc1" or a copier's own suffix). */
function kernelVersion(makefile) {
  const field = (name) => new RegExp(`^${name}[ \\t]*=[ \\t]*(\\S*)`, "m").exec(makefile)?.[1] ?? "";
  const extra = field("EXTRAVERSION");
  return {
    version: `${field("VERSION")}.${field("PATCHLEVEL")}.${field("SUBLEVEL")}`,
    ...(extra ? { extraversion: extra } : {}),
  };
}

// --- C lexing --------------------------------------------------------------------------------
/** The source with comments blanked out (same length, so offsets stay valid); strings kept. */
function withoutComments(src) {
  let out = "";
  let i = 0;
  while (i < src.length) {
    const c = src[i];
    if (c === '"' || c === "'") {
      const end = quoteEnd(src, i);
      out += src.slice(i, end);
      i = end;
    } else if (src.startsWith("/*", i)) {
      const end = src.indexOf("*/", i + 2) + 2 || src.length;
      out += src.slice(i, end).replace(/[^\n]/g, " ");
      i = end;
    } else if (src.startsWith("//", i)) {
      const end = src.indexOf("\n", i) < 0 ? src.length : src.indexOf("\n", i);
      out += " ".repeat(end - i);
      i = end;
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

function quoteEnd(src, start) {
  let i = start + 1;
  while (i < src.length && src[i] !== src[start]) i += src[i] === "\\" ? 2 : 1;
  return i + 1;
}

const ESCAPES = {
  n: "\n",
  t: "\t",
  r: "\r",
  v: "\v",
  f: "\f",
  a: "\x07",
  b: "\b",
  "\\": "\\",
  '"': '"',
  "'": "'",
  "?": "?",
};

function decodeLiteral(body) {
  return body.replace(/\\(x[0-9a-fA-F]+|[0-7]{1,3}|.)/g, (_, e) => {
    if (e[0] === "x") return String.fromCharCode(parseInt(e.slice(1), 16));
    if (/^[0-7]/.test(e)) return String.fromCharCode(parseInt(e, 8));
    return ESCAPES[e] ?? e;
  });
}

/** The value of an expression made only of adjacent string literals, or null. */
function literalValue(expr) {
  const parts = [];
  let rest = expr.trim();
  if (!rest.startsWith('"')) return null;
  while (rest.startsWith('"')) {
    const end = quoteEnd(rest, 0);
    parts.push(decodeLiteral(rest.slice(1, end - 1)));
    rest = rest.slice(end).trim();
  }
  return rest === "" ? parts.join("") : null;
}

/** Every run of adjacent string literals in an expression (the branches of a ternary). */
function literalRuns(expr) {
  const runs = [];
  for (const m of expr.matchAll(/"(?:[^"\\]|\\.)*"(?:\s*"(?:[^"\\]|\\.)*")*/g)) runs.push(literalValue(m[0]));
  return runs;
}

/** Arguments of the call whose "(" is at `open`, split at top-level commas, and the index after ")". */
function callArguments(code, open) {
  const args = [];
  let depth = 0;
  let from = open + 1;
  for (let i = open; i < code.length; i++) {
    const c = code[i];
    if (c === '"' || c === "'") {
      i = quoteEnd(code, i) - 1;
    } else if (c === "(" || c === "[" || c === "{") {
      depth++;
    } else if (c === ")" || c === "]" || c === "}") {
      depth--;
      if (depth === 0) {
        args.push(code.slice(from, i).trim());
        return { args, end: i + 1 };
      }
    } else if (c === "," && depth === 1) {
      args.push(code.slice(from, i).trim());
      from = i + 1;
    }
  }
  return { args, end: code.length };
}

/** Does the text from `from` to `newline` form a finished preprocessor directive? */
function endsDirective(code, from, newline) {
  return code[newline - 1] !== "\\" && code.slice(from, newline).trimStart().startsWith("#");
}

/** Function bodies at file level: name, parameter names, and the body's extent. */
function functionsOf(code) {
  const functions = [];
  let depth = 0;
  let statementStart = 0;
  for (let i = 0; i < code.length; i++) {
    const c = code[i];
    if (c === '"' || c === "'") {
      i = quoteEnd(code, i) - 1;
    } else if (c === "{") {
      if (depth === 0) {
        const head = code.slice(statementStart, i);
        const m = /(\w+)\s*\(([^()]*(?:\([^()]*\)[^()]*)*)\)\s*$/.exec(head);
        if (m) {
          const params = m[2]
            .split(",")
            .map((p) => /(\w+)\s*(?:\[[^\]]*\])?\s*$/.exec(p.trim())?.[1] ?? p.trim());
          functions.push({ name: m[1], params, start: i, end: -1 });
        }
      }
      depth++;
    } else if (c === "}") {
      depth--;
      if (depth === 0) {
        const open = functions.at(-1);
        if (open && open.end < 0) open.end = i + 1;
        statementStart = i + 1;
      }
    } else if (depth === 0 && (c === ";" || (c === "\n" && endsDirective(code, statementStart, i)))) {
      statementStart = i + 1;
    }
  }
  return functions.filter((f) => f.end > 0);
}

// --- resolving format strings ----------------------------------------------------------------
function fileFacts(code) {
  const functions = functionsOf(code);
  const enclosing = (at) => functions.find((f) => f.start < at && at < f.end);
  const calls = (names) => {
    const found = [];
    const re = new RegExp(`\\b(${names.join("|")})\\s*\\(`, "g");
    for (const m of code.matchAll(re)) {
      const fn = enclosing(m.index);
      if (!fn) continue; // a declaration or definition, not a call
      const { args } = callArguments(code, m.index + m[0].length - 1);
      found.push({ name: m[1], at: m.index, args, fn });
    }
    return found;
  };
  return { code, functions, calls };
}

/** Texts an argument expression can take inside `fn`, or [] when it is not made of literals. */
function argumentTexts(facts, fn, expr, depth = 0) {
  const value = literalValue(expr);
  if (value !== null) return [value];
  if (depth > 3) return [];
  if (expr.includes("?")) return literalRuns(expr);
  if (!/^\w+$/.test(expr)) return [];
  const param = fn.params.indexOf(expr);
  if (param >= 0) {
    // A parameter: the texts its callers pass (tcp_error_log(skb, state, "bad checksum")).
    return facts.calls([fn.name]).flatMap((c) => argumentTexts(facts, c.fn, c.args[param] ?? "", depth + 1));
  }
  // A local variable: the texts assigned to it in this function.
  const body = facts.code.slice(fn.start, fn.end);
  const texts = [];
  for (const m of body.matchAll(new RegExp(`\\b${expr}\\s*=(?!=)([^;]*);`, "g")))
    texts.push(...argumentTexts(facts, fn, m[1].trim(), depth + 1));
  return texts;
}

/** The protocol a call logs for: its IPPROTO_ argument, a LOG_INVALID guard, the text's tag, the file. */
function protocolOf(facts, call, format, fileProtocol) {
  for (const a of call.args) {
    const m = /^IPPROTO_(\w+)$/.exec(a);
    if (m) return PROTOCOLS[m[1]] ?? m[1].toLowerCase();
  }
  const before = facts.code.slice(Math.max(call.fn.start, call.at - 300), call.at);
  const guard = [...before.matchAll(/LOG_INVALID\s*\(\s*\w+\s*,\s*IPPROTO_(\w+)\s*\)/g)].at(-1);
  if (guard) return PROTOCOLS[guard[1]];
  const tag = /^nf_ct_(\w+): /.exec(format);
  if (tag && Object.values(PROTOCOLS).includes(tag[1])) return tag[1];
  // nf_conntrack_inet_error logs for ICMP and ICMPv6 alike; the address conversion tells which.
  if (/%pI6/.test(format)) return "icmpv6";
  if (/%pI4/.test(format)) return "icmp";
  return fileProtocol;
}

/** The format with each resolvable %s replaced by each text it can take. */
function expand(facts, call, formatIndex) {
  let variants = [""];
  const format = literalValue(call.args[formatIndex]);
  const values = call.args.slice(formatIndex + 1);
  let last = 0;
  let arg = 0;
  for (const m of format.matchAll(CONVERSION)) {
    if (m[1] === "%") continue;
    const texts = m[1] === "s" ? argumentTexts(facts, call.fn, values[arg] ?? "") : [];
    const head = format.slice(last, m.index);
    last = m.index + m[0].length;
    arg++;
    const pieces = texts.length > 0 ? texts.map((t) => t.replaceAll("%", "%%")) : [m[0]];
    variants = variants.flatMap((v) => pieces.map((p) => v + head + p));
  }
  return [...new Set(variants.map((v) => v + format.slice(last)))];
}

function extractFile(path, source) {
  const facts = fileFacts(withoutComments(source));
  const fileProtocol = /nf_conntrack_proto_(\w+)\.c$/.exec(path)?.[1] ?? null;
  // Variadic wrappers (nf_tcp_log_invalid(..., const char *fmt, ...)) are log functions too.
  const wrappers = facts.functions
    .filter((f) => f.params.at(-1) === "..." && !LOG_FUNCTIONS.includes(f.name))
    .filter((f) =>
      facts
        .calls(LOG_FUNCTIONS)
        .some((c) => c.fn === f && c.args.some((a) => literalValue(a)?.includes("%pV"))),
    )
    .map((f) => f.name);
  const formats = [];
  for (const call of facts.calls([...LOG_FUNCTIONS, ...wrappers])) {
    const formatIndex = call.args.findIndex((a) => literalValue(a) !== null);
    if (formatIndex < 0) continue;
    const raw = literalValue(call.args[formatIndex]);
    if (raw.includes("%pV")) continue; // a wrapper passing its caller's format on
    for (const format of expand(facts, call, formatIndex)) {
      const protocol = protocolOf(facts, call, format, fileProtocol);
      formats.push({ protocol, text: reasonText(format), format, file: path, function: call.fn.name });
    }
  }
  return formats;
}

/** What a reader sees between the tag and the packet dump: without "nf_ct_<proto>: ", trimmed. */
function reasonText(format) {
  return format.replace(/^nf_ct_\w+: /, "").trim();
}

function main() {
  const tree = treeReader(process.argv.slice(2));
  const paths = [
    ...tree.list("net/netfilter").filter((p) => /\/nf_conntrack_(proto\w*|core)\.c$/.test(p)),
    ...tree.list("net/ipv4/netfilter").filter((p) => p.endsWith("/nf_conntrack_proto_icmp.c")),
    ...tree.list("net/ipv6/netfilter").filter((p) => p.endsWith("/nf_conntrack_proto_icmpv6.c")),
  ].sort();
  if (paths.length === 0) throw new Error("no conntrack sources under net/netfilter: not a kernel tree");
  const seen = new Set();
  const formats = [];
  for (const path of paths) {
    for (const f of extractFile(path, tree.read(path))) {
      const key = `${f.protocol}\0${f.text}`;
      if (seen.has(key)) continue;
      seen.add(key);
      formats.push(f);
    }
  }
  formats.sort((a, b) =>
    a.protocol === b.protocol ? (a.text < b.text ? -1 : 1) : a.protocol < b.protocol ? -1 : 1,
  );
  const output = {
    source: { ...tree.source, ...kernelVersion(tree.read("Makefile")), files: paths },
    formats,
  };
  process.stdout.write(`${JSON.stringify(output, null, 2)}\n`);
}

main();
