import { test } from "node:test";
import assert from "node:assert/strict";
import { LogAggregator, compressIPv6, flowLabel, summarize } from "../../../src/logs/aggregate.js";
import { parseLogLine } from "../../../src/logs/parse.js";
import { parsePrintkLine } from "../../../src/logs/printk.js";
import type { LogRecord } from "../../../src/logs/record.js";
import { corpus } from "./corpus.js";

const real = corpus("kernel-6.18.txt");

function records(): LogRecord[] {
  // The recorded lines as if they came from two hosts: nfdl-a's (OUT=va) and nfdl-b's (the rest).
  return real.map((l, k) =>
    parseLogLine(l.message, {
      host: l.message.includes(" OUT=va ") ? "nfdl-a" : "nfdl-b",
      time: new Date(Date.UTC(2026, 10, 25, 12, 0, k)).toISOString(),
    }),
  );
}

test("flows are written src:sport → dst:dport, IPv6 compressed and bracketed", () => {
  assert.equal(
    flowLabel({ src: "10.0.0.1", sport: 40001, dst: "10.0.0.2", dport: 80 }),
    "10.0.0.1:40001 → 10.0.0.2:80",
  );
  assert.equal(
    flowLabel({
      src: "fd00:0231:0000:0000:0000:0000:0000:0001",
      sport: 1,
      dst: "fd00:0231:0000:0000:0000:0000:0000:0002",
      dport: 2,
    }),
    "[fd00:231::1]:1 → [fd00:231::2]:2",
  );
  assert.equal(
    flowLabel({ src: "10.0.0.1", sport: null, dst: "10.0.0.3", dport: null }),
    "10.0.0.1 → 10.0.0.3",
  );
  assert.equal(compressIPv6("fe80:0000:0000:0000:0000:00ff:fe00:2301"), "fe80::ff:fe00:2301");
  assert.equal(compressIPv6("0000:0000:0000:0000:0000:0000:0000:0001"), "::1");
  assert.equal(compressIPv6("2001:0db8:0000:0001:0000:0000:0000:0000"), "2001:db8:0:1::");
  assert.equal(compressIPv6("2001:0db8:0001:0002:0003:0004:0005:0006"), "2001:db8:1:2:3:4:5:6");
});

test("per reason: count, hosts and top flows; per host; fleet totals", () => {
  const all = records();
  const s = summarize(all);
  assert.equal(s.total, all.length);
  assert.equal(s.unknown, 0);
  assert.equal(
    s.reasons.reduce((n, r) => n + r.count, 0),
    all.length,
  );
  assert.equal(
    s.hosts.reduce((n, h) => n + h.count, 0),
    all.length,
  );
  const flags = s.reasons.find((r) => r.reason_id === "tcp.invalid_flags");
  assert.ok(flags);
  assert.equal(flags.count, all.filter((r) => r.reason_id === "tcp.invalid_flags").length);
  assert.deepEqual(flags.hosts, ["nfdl-a", "nfdl-b"]);
  assert.equal(flags.topFlows[0].count, 2, "each packet was logged leaving nfdl-a and entering nfdl-b");
  assert.ok(flags.topFlows.length <= 5);
  assert.ok(s.reasons[0].count >= s.reasons[s.reasons.length - 1].count, "most frequent first");
  const window = s.reasons.find((r) => r.reason_id === "tcp.seq_under_lower_bound");
  assert.match(window?.topFlows[0].flow ?? "", /^10\.231\.0\.1:\d+ → 10\.231\.0\.2:7777$/);
  const a = s.hosts.find((h) => h.host === "nfdl-a");
  assert.equal(a?.count, real.filter((l) => l.message.includes(" OUT=va ")).length);
  assert.equal(s.firstTime, "2026-11-25T12:00:00.000Z");
});

test("streaming: records one at a time give the same summary; printk and unknown are counted apart", () => {
  const agg = new LogAggregator();
  for (const r of records()) agg.add(r);
  agg.add(
    parseLogLine("nf_ct_proto_6: a new reason IN= OUT=x SRC=1.1.1.1 DST=2.2.2.2 LEN=40", {
      host: "h3",
      time: null,
    }),
  );
  agg.add(parsePrintkLine("Chunk Num: 0  Type: 1", { host: "h3", time: null }));
  const s = agg.summary();
  assert.deepEqual(
    s,
    (() => {
      const ref = summarize([
        ...records(),
        parseLogLine("nf_ct_proto_6: a new reason IN= OUT=x SRC=1.1.1.1 DST=2.2.2.2 LEN=40", {
          host: "h3",
          time: null,
        }),
        parsePrintkLine("Chunk Num: 0  Type: 1", { host: "h3", time: null }),
      ]);
      return ref;
    })(),
  );
  assert.equal(s.unknown, 1);
  assert.equal(s.printk, 1);
  assert.equal(s.reasons.find((r) => r.reason_id === "unknown")?.topFlows[0].flow, "1.1.1.1 → 2.2.2.2");
});

test("memory stays bounded: flows beyond the cap are pruned and the top flows marked approximate", () => {
  const agg = new LogAggregator({ maxFlows: 50, topFlows: 3 });
  const base = parseLogLine(real[0].message, { host: "h", time: null });
  for (let i = 0; i < 20_000; i++) agg.add({ ...base, sport: 1024 + (i % 5000) });
  for (let i = 0; i < 300; i++) agg.add({ ...base, sport: 9 });
  const r = agg.summary().reasons[0];
  assert.equal(r.count, 20_300);
  assert.equal(r.flowsApproximate, true);
  assert.equal(r.topFlows[0].flow, "10.231.0.1:9 → 10.231.0.2:8080", "a heavy flow survives pruning");
  assert.ok(r.topFlows[0].count >= 300);
});

test("a timeline counts records per reason per bucket", () => {
  const s = summarize(records().slice(0, 25), { bucketMs: 10_000 });
  assert.deepEqual(
    s.timeline.map((b) => b.start),
    ["2026-11-25T12:00:00.000Z", "2026-11-25T12:00:10.000Z", "2026-11-25T12:00:20.000Z"],
  );
  assert.equal(
    s.timeline.reduce((n, b) => n + Object.values(b.byReason).reduce((x, y) => x + y, 0), 0),
    25,
  );
  assert.deepEqual(summarize(records()).timeline, [], "no timeline unless asked");
});
