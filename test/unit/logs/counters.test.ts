import { test } from "node:test";
import assert from "node:assert/strict";
import {
  countersScript,
  counterDeltas,
  listsNote,
  parseConntrackC,
  parseConntrackListCount,
  parseConntrackS,
  parseConntrackStat,
  parseCounters,
} from "../../../src/logs/counters.js";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readFixture } from "./corpus.js";
import { runSh } from "./sources/run-script.js";

test("the real 6.18 statistics file: columns by header name, hex values, summed over CPUs", () => {
  const stat = parseConntrackStat(readFixture("proc-net-stat-nf_conntrack-6.18.txt"));
  assert.deepEqual(stat.columns, [
    "entries",
    "clashres",
    "found",
    "new",
    "invalid",
    "ignore",
    "delete",
    "chainlength",
    "insert",
    "insert_failed",
    "drop",
    "early_drop",
    "icmp_error",
    "expect_new",
    "expect_create",
    "expect_delete",
    "search_restart",
  ]);
  assert.equal(stat.perCpu.length, 2);
  assert.deepEqual([stat.perCpu[0].invalid, stat.perCpu[1].invalid], [0x07, 0x11]);
  assert.equal(stat.totals.invalid, 24);
  assert.equal(stat.totals.icmp_error, 19);
  assert.equal(stat.totals.entries, 4, "entries is the namespace's count on every row, not a per-CPU value");
});

test("an older kernel's header (searched, delete_list) parses by name too", () => {
  const old = [
    "entries  searched found new invalid ignore delete delete_list insert insert_failed drop early_drop icmp_error  expect_new expect_create expect_delete search_restart",
    "0000002a  00000000 00000010 00000005 0000000f 00000000 00000003 00000003 00000005 00000001 00000000 00000000 00000002  00000000 00000000 00000000 00000004",
    "0000002a  00000000 00000001 00000002 00000001 00000000 00000000 00000000 00000002 00000000 00000000 00000000 00000000  00000000 00000000 00000000 00000000",
  ].join("\n");
  const s = parseConntrackStat(old);
  assert.deepEqual(
    [
      s.totals.entries,
      s.totals.invalid,
      s.totals.insert_failed,
      s.totals.search_restart,
      s.totals.delete_list,
    ],
    [42, 16, 1, 4, 3],
  );
  assert.throws(() => parseConntrackStat("entries invalid\n0000zz 1\n"), /unexpected row/);
});

test("conntrack -S, -C and list counts", () => {
  const after = readFixture("counters-6.18-after.txt");
  const s = parseConntrackS(
    after
      .split("\n")
      .filter((l) => l.startsWith("@@counter\tconntrack_S\t"))
      .map((l) => l.slice("@@counter\tconntrack_S\t".length))
      .join("\n"),
  );
  assert.deepEqual(
    [s.cpus, s.totals.invalid, s.totals.icmp_error, s.totals.clashres, s.totals.chainlength],
    [2, 24, 19, 0, 0],
  );
  assert.equal(parseConntrackC("4\n"), 4);
  assert.equal(parseConntrackC("conntrack v1.4.7 (conntrack-tools): error\n"), null);
  assert.equal(
    parseConntrackListCount("conntrack v1.4.7 (conntrack-tools): 3 flow entries have been shown.\n"),
    3,
  );
  assert.equal(
    parseConntrackListCount(
      "tcp      6 10 CLOSE src=10.0.0.1 dst=10.0.0.2 sport=1 dport=2 [UNREPLIED] mark=0 use=1\nudp      17 29 src=10.0.0.1 dst=10.0.0.2 sport=1 dport=2 mark=0 use=1\n",
    ),
    2,
  );
});

test("deltas over the recorded window match what the namespace's counters say", () => {
  const before = parseCounters(readFixture("counters-6.18-before.txt"));
  const after = parseCounters(readFixture("counters-6.18-after.txt"));
  assert.deepEqual(
    [before.count, after.count, after.max, after.conntrackCount, after.unconfirmed, after.dying],
    [1, 4, 262144, 4, 0, 0],
  );
  const d = counterDeltas(before, after);
  assert.equal(d.deltas.invalid, 24);
  assert.equal(d.deltas.icmp_error, 19);
  assert.equal(d.deltas.insert_failed, 0);
  assert.equal(d.deltas.search_restart, 0);
  assert.ok(!("entries" in d.deltas));
  assert.deepEqual(d.count, { before: 1, after: 4 });
  assert.match(d.notes.join("\n"), /6\.18.* keeps no unconfirmed and dying lists/);
});

test("a counter that went down is reported, not turned into a negative delta", () => {
  const before = parseCounters(readFixture("counters-6.18-after.txt"));
  const after = parseCounters(readFixture("counters-6.18-before.txt"));
  const d = counterDeltas(before, after);
  assert.equal(d.deltas.invalid, null);
  assert.match(d.notes.join("\n"), /invalid went down/);
});

test("the 5.19 boundary for the lists note", () => {
  assert.equal(listsNote("5.15.0-91-generic"), null);
  assert.match(listsNote("5.19.0") ?? "", /5\.19\+/);
  assert.match(listsNote("6.1.0-27-amd64") ?? "", /6\.1\.0-27-amd64/);
  assert.equal(listsNote(null), null);
});

test("the counters snippet on this machine (initial namespace) parses", () => {
  const snapshot = parseCounters(runSh(countersScript()));
  assert.match(snapshot.kernel ?? "", /^6\.18\./);
  assert.ok(snapshot.stat && snapshot.stat.perCpu.length >= 1);
  assert.equal(typeof snapshot.count, "number");
  assert.ok((snapshot.max ?? 0) > 0);
  // The statistics file has what conntrack -S and -C print: conntrack(8) is not run, and on 5.19+
  // the unconfirmed and dying lists are not read (the kernel keeps none).
  assert.equal(snapshot.conntrackCount, null);
  assert.equal(snapshot.conntrackStats, null);
  assert.equal(snapshot.unconfirmed, null);
  assert.equal(snapshot.dying, null);
  assert.throws(() => parseCounters("@@counter\tkernel\t6.18\n"), /incomplete/);
});

/** Runs the counters snippet with a conntrack(8) on PATH that records its arguments. */
function withFakeConntrack(env: Record<string, string>): { out: string; calls: string[] } {
  const dir = mkdtempSync(join(tmpdir(), "nfd-ct-"));
  try {
    const log = join(dir, "calls");
    writeFileSync(join(dir, "conntrack"), `#!/bin/sh\necho "$*" >> ${log}\necho 7\n`, { mode: 0o755 });
    const out = runSh(countersScript(), { ...process.env, PATH: `${dir}:${process.env.PATH}`, ...env });
    const calls = existsSync(log) ? readFileSync(log, "utf8").trim().split("\n") : [];
    return { out, calls };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test("the counters snippet runs no conntrack(8) where /proc/net/stat/nf_conntrack exists, and takes the kernel and clock it is given", () => {
  const { out, calls } = withFakeConntrack({
    NFD_KERNEL: "6.18.0-test",
    NFD_CLOCK_NOW: "1700000000.123456789",
  });
  assert.deepEqual(calls, []);
  const snapshot = parseCounters(out);
  assert.equal(snapshot.kernel, "6.18.0-test");
  assert.equal(snapshot.at, 1700000000);
});

test("before 5.19 the counters snippet still counts the unconfirmed and dying lists", () => {
  const { out, calls } = withFakeConntrack({ NFD_KERNEL: "5.15.0-91-generic" });
  assert.deepEqual(calls, ["-L unconfirmed", "-L dying"]);
  const snapshot = parseCounters(out);
  assert.equal(snapshot.unconfirmed, 1);
  assert.equal(snapshot.dying, 1);
});

test("a window that began before nf_conntrack was loaded counts its counters from zero", () => {
  const after = parseCounters(readFixture("counters-6.18-after.txt"));
  const before = parseCounters("@@counter\tkernel\t6.18.0\n@@counter\tat\t1\n@@end\n");
  const d = counterDeltas(before, after);
  assert.equal(d.deltas.invalid, 24);
  assert.match(d.notes.join("\n"), /not loaded when the window began/);
});

test("deltas over the window recorded on Debian 13 (6.12): the raw file, conntrack -S and the deltas agree", () => {
  const stat = parseConntrackStat(readFixture("proc-net-stat-nf_conntrack-6.12.txt"));
  assert.deepEqual([stat.perCpu.length, stat.totals.invalid, stat.totals.icmp_error], [2, 26, 21]);
  const before = parseCounters(readFixture("counters-6.12-before.txt"));
  const after = parseCounters(readFixture("counters-6.12-after.txt"));
  assert.deepEqual([before.count, after.count, after.max, after.conntrackCount], [0, 2, 8192, 2]);
  const d = counterDeltas(before, after);
  assert.deepEqual([d.deltas.invalid, d.deltas.icmp_error, d.deltas.insert_failed], [26, 21, 0]);
  assert.match(
    d.notes.join("\n"),
    /6\.12\.117\+deb13-amd64 \(5\.19\+\) keeps no unconfirmed and dying lists/,
  );
});
