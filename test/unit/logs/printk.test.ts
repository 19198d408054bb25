import { test } from "node:test";
import assert from "node:assert/strict";
import { parsePrintkSite } from "../../../src/kinds/printk/facts.js";
import type { PrintkSite } from "../../../src/facts/types.js";
import { compilePrintf, matchPrintf, unescapeControlFormat } from "../../../src/logs/printf-pattern.js";
import {
  classifyKernelMessage,
  createKernelMessageClassifier,
  parsePrintkLine,
  type PrintkMatch,
} from "../../../src/logs/printk.js";
import { byCase, corpus, readFixture } from "./corpus.js";

const sites: PrintkSite[] = readFixture("dynamic-debug-control-6.1.txt")
  .split("\n")
  .filter((l) => l && !l.startsWith("#"))
  .map((l) => {
    const site = parsePrintkSite(l);
    assert.ok(site, l);
    return site;
  });
const messages = corpus("printk-6.1.txt");
const invalidLines = corpus("kernel-6.18.txt");
const classify = createKernelMessageClassifier(sites);
const ctx = { host: "vm1", time: null };

function printk(name: string): PrintkMatch {
  const c = classify(byCase(messages, name).message);
  assert.ok(c && c.kind === "printk", name);
  return c;
}

test("printf formats become anchored patterns that capture each conversion", () => {
  const p = compilePrintf("packet (index %d) in dir %d invalid, state %s", { strings: "word" });
  assert.deepEqual(matchPrintf(p, "packet (index 3) in dir 0 invalid, state SYN_SENT"), [3, 0, "SYN_SENT"]);
  assert.equal(matchPrintf(p, "packet (index 3) in dir 0 invalid, state SYN SENT"), null);
  assert.equal(matchPrintf(p, "xpacket (index 3) in dir 0 invalid, state X"), null);
  assert.deepEqual(matchPrintf(compilePrintf("%5u%% of %s", {}), "   42% of the table"), [42, "the table"]);
  assert.deepEqual(
    matchPrintf(compilePrintf("outer daddr %pI4 != inner %pI4"), "outer daddr 10.0.0.1 != inner 10.0.0.2"),
    ["10.0.0.1", "10.0.0.2"],
  );
  assert.deepEqual(
    matchPrintf(compilePrintf("vtag %x dir %i ptr %p"), "vtag 9a3f dir -1 ptr 00000000c3b5a1e2"),
    ["9a3f", -1, "00000000c3b5a1e2"],
  );
  assert.deepEqual(matchPrintf(compilePrintf("a.b*c (%lu) [%c]"), "a.b*c (7) [x]"), [7, "x"]);
  assert.equal(matchPrintf(compilePrintf("a.b"), "axb"), null, "regex metacharacters are literal");
});

test('control-file escapes are undone: \\n, \\t, \\", octal', () => {
  assert.equal(unescapeControlFormat("Chunk Num: %d  Type: %d\\n"), "Chunk Num: %d  Type: %d\n");
  assert.equal(unescapeControlFormat('a\\tb \\"q\\" c\\012'), 'a\tb "q" c\n');
  assert.equal(unescapeControlFormat("back\\\\slash"), "back\\slash");
});

test("INVALID lines are recognised with or without printk sites; unrelated messages are not", () => {
  for (const l of invalidLines.slice(0, 20))
    assert.deepEqual(classifyKernelMessage(l.message), { kind: "invalid" });
  assert.deepEqual(classify(invalidLines[0].message), { kind: "invalid" });
  assert.equal(classifyKernelMessage("Chunk Num: 0  Type: 1"), null, "no sites: only INVALID lines");
  assert.equal(classify(byCase(messages, "not-a-site").message), null);
  assert.equal(classify("nf_conntrack: nf_conntrack: table full, dropping packet"), null);
  assert.equal(classify("Basic checks passed!"), null, "formats are anchored at both ends");
});

test("a bare pr_debug message (flag p only) is matched to its site by the format", () => {
  const c = printk("sctp-chunk");
  assert.equal(c.site.func, "do_basic_checks");
  assert.equal(c.site.line, 164);
  assert.deepEqual(c.values, [0, 1]);
  assert.equal(c.body, "Chunk Num: 0  Type: 1");
  assert.equal(c.tid, null);
  assert.equal(printk("sctp-heartbeat").site.line, 239);
  assert.equal(
    printk("sctp-heartbeat-ack").site.line,
    243,
    "a longer format is not mistaken for a shorter one",
  );
  assert.deepEqual(printk("sctp-dir").values, [1, "COOKIE_ECHOED", 11, "ESTABLISHED"]);
});

test("decorations of the t, m, f and l flags are taken off before matching", () => {
  assert.equal(printk("sctp-failed-mfl").body, "Basic checks failed");
  assert.equal(printk("sctp-failed-mfl").site.line, 180);
  const t = printk("sctp-type-t");
  assert.deepEqual([t.tid, t.values, t.body], [1234, [10], "Chunk type: 10"]);
  const intr = printk("sctp-type-intr");
  assert.deepEqual([intr.tid, intr.values], [null, [1]]);
  assert.equal(printk("sctp-unknown-f").body, "Unknown chunk type, Will stay in ESTABLISHED");
  const mflt = printk("sctp-vtag-mflt");
  assert.deepEqual([mflt.tid, mflt.site.func, mflt.values], [0, "sctp_new", ["9a3f2b1c"]]);
  const m = printk("sctp-invalid-m");
  assert.deepEqual([m.body, m.values], ["nf_conntrack_sctp: Invalid dir=0 ctype=3 conntrack=1", [0, 3, 1]]);
});

test("parsePrintkLine makes a printk record with its site, values and any tuple it prints", () => {
  const line = byCase(messages, "sctp-vtag-mflt").message;
  const r = parsePrintkLine(line, { ...ctx, log_pos: "17" }, printk("sctp-vtag-mflt"));
  assert.deepEqual(
    {
      kind: r.kind,
      reason: r.reason,
      reason_id: r.reason_id,
      l4proto: r.l4proto,
      details: r.details,
      printk: r.printk,
      raw: r.raw,
      log_pos: r.log_pos,
      src: r.src,
    },
    {
      kind: "printk",
      reason: "Setting vtag 9a3f2b1c for new conn",
      reason_id: "printk.nf_conntrack",
      l4proto: 132,
      details: { arg1: "9a3f2b1c" },
      printk: {
        module: "nf_conntrack",
        func: "sctp_new",
        file: "net/netfilter/nf_conntrack_proto_sctp.c",
        line: 298,
        tid: 0,
        format: "Setting vtag %x for new conn",
      },
      raw: line,
      log_pos: "17",
      src: null,
    },
  );
  const v4 = parsePrintkLine(byCase(messages, "tuple-v4").message, ctx, printk("tuple-v4"));
  assert.deepEqual(
    [v4.src, v4.sport, v4.dst, v4.dport, v4.family, v4.l4proto],
    ["10.231.0.1", 40081, "10.231.0.2", 3868, "ipv4", null],
  );
  const v6 = parsePrintkLine(byCase(messages, "tuple-v6").message, ctx, printk("tuple-v6"));
  assert.deepEqual(
    [v6.src, v6.sport, v6.dport, v6.family],
    ["fd00:0231:0000:0000:0000:0000:0000:0001", 40081, 3868, "ipv6"],
  );
  assert.equal(v6.printk?.func, "nf_ct_dump_tuple_ipv6");
  const bare = parsePrintkLine("[77] something a site printed", ctx);
  assert.deepEqual(
    [bare.reason_id, bare.reason, bare.printk?.tid, bare.printk?.module],
    ["printk", "something a site printed", 77, null],
  );
});
