// The /dev/kmsg reader against this machine's real kernel ring buffer (run as root). Other tests
// and helpers write to the same buffer meanwhile, so assertions look for this test's own markers
// and for position invariants, never for exact record counts.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { randomUUID } from "node:crypto";
import { KmsgOutputParser, kmsgReadScript } from "../../../../src/logs/sources/kmsg.js";
import type { KmsgPosition } from "../../../../src/logs/sources/types.js";
import { feed, positionScript, runSh, writeKmsg } from "./run-script.js";

const bootId = readFileSync("/proc/sys/kernel/random/boot_id", "utf8").trim();

function start(): KmsgPosition {
  const out = feed(new KmsgOutputParser(null), runSh(positionScript({ kind: "kmsg", detail: null })));
  assert.equal(out.position.source, "kmsg");
  return out.position as KmsgPosition;
}

function read(from: KmsgPosition, options = {}) {
  return feed(new KmsgOutputParser(from), runSh(kmsgReadScript(from, options)));
}

test("the start position is the newest record of this boot", () => {
  const p = start();
  assert.equal(p.boot_id, bootId);
  assert.ok(Number.isSafeInteger(p.seq) && p.seq >= 0, String(p.seq));
});

test("a read returns exactly the records after the position; a second read nothing already read", () => {
  const p0 = start();
  const marker = `nfdebug-kmsg-test ${randomUUID()}`;
  const t0 = Date.now();
  writeKmsg(marker);
  const r1 = read(p0);
  const mine = r1.list.filter((i) => i.message === marker);
  assert.equal(mine.length, 1);
  assert.ok(
    r1.list.every((i) => Number(i.pos) > p0.seq),
    "only records after the start",
  );
  assert.equal(mine[0].priority, 5);
  assert.equal(mine[0].facility, 1, "written by userspace: facility user");
  const at = Date.parse(mine[0].time ?? "");
  assert.ok(Math.abs(at - t0) < 5000, `time ${mine[0].time} near ${new Date(t0).toISOString()}`);
  const p1 = r1.position as KmsgPosition;
  assert.ok(p1.seq >= Number(mine[0].pos));
  assert.deepEqual([r1.lost, r1.warnings], [0, []]);

  const r2 = read(p1);
  assert.equal(r2.list.filter((i) => i.message === marker).length, 0, "no duplicates");
  assert.ok(r2.list.every((i) => Number(i.pos) > p1.seq));
  assert.ok((r2.position as KmsgPosition).seq >= p1.seq);
});

test("a contains-filter passes only matching records, but the position moves past the others", () => {
  const p0 = start();
  // A token of this run: another test process may write the same kinds of lines meanwhile.
  const token = randomUUID();
  const keep = `nfdebug-kmsg-keep ${token}`;
  const skip = `nfdebug-kmsg-skip ${token}`;
  writeKmsg(keep);
  writeKmsg(skip);
  const r = read(p0, { contains: [keep, 'it\'s "quoted" $(and) `odd`'] });
  assert.deepEqual(
    r.list.map((i) => i.message).filter((m) => m.includes(token)),
    [keep],
  );
  const skipSeq = read(p0).list.find((i) => i.message === skip)?.pos;
  assert.ok(skipSeq !== undefined && (r.position as KmsgPosition).seq >= Number(skipSeq));
});

test("an end position bounds the read (a window that has ended)", () => {
  const p0 = start();
  const first = `nfdebug-kmsg-first ${randomUUID()}`;
  const second = `nfdebug-kmsg-second ${randomUUID()}`;
  writeKmsg(first);
  const end = start();
  writeKmsg(second);
  const r = read(p0, { until: end });
  const messages = r.list.map((i) => i.message);
  assert.ok(messages.includes(first));
  assert.ok(!messages.includes(second));
  assert.equal((r.position as KmsgPosition).seq, end.seq);
});

test("records of another boot: everything of this boot is read, and the loss is said", () => {
  const oldest = read({ source: "kmsg", boot_id: bootId, seq: -1 }).list[0].pos;
  const otherBoot = {
    source: "kmsg" as const,
    boot_id: "00000000-0000-4000-8000-000000000000",
    seq: 1_000_000_000,
  };
  const r = read(otherBoot);
  assert.equal(r.list[0].pos, oldest, "from the oldest record still in the buffer");
  assert.equal(r.lost, null);
  assert.match(r.warnings.join("\n"), /rebooted/);
});

test("this machine's real ring buffer: records overwritten since sequence number 0 are counted", () => {
  // The buffer holds a few hundred KiB; on a busy machine the oldest records are long gone.
  // The oldest record's number from the read's "F" line: the oldest records may be nfdebug's
  // window markers, which are never listed as records.
  const raw = runSh(kmsgReadScript({ source: "kmsg", boot_id: bootId, seq: -1 }));
  const oldest = Number(/^@@first\t(\d+)$/m.exec(raw)?.[1]);
  assert.ok(Number.isSafeInteger(oldest), raw.slice(0, 200));
  const r = read({ source: "kmsg", boot_id: bootId, seq: 0 });
  if (oldest > 1) {
    // Between the two reads the buffer can only lose more.
    assert.ok(r.lost !== null && r.lost >= oldest - 1, `lost ${r.lost}, oldest ${oldest}`);
    assert.match(r.warnings[0], /ring buffer wrapped/);
  } else {
    assert.deepEqual([r.lost, r.warnings], [0, []]);
  }
});

test("wrapped ring buffer: the first sequence number still present says how many were lost", () => {
  const from: KmsgPosition = { source: "kmsg", boot_id: bootId, seq: 100 };
  const output = [
    `@@clock\t${bootId}\t1700000000.5\t1000.00`,
    "@@first\t150",
    "@@R\t5,150,999000000,-;nf_ct_proto_6: invalid rst IN= OUT=lo",
    "@@R\t6,151,999000100,-;line two \\x5c backslash \\xc3\\xa9",
    "@@pos\t151",
  ].join("\n");
  const r = feed(new KmsgOutputParser(from), output);
  assert.equal(r.lost, 49);
  assert.match(r.warnings[0], /49 record\(s\) after sequence number 100 were overwritten/);
  assert.deepEqual(r.position, { source: "kmsg", boot_id: bootId, seq: 151 });
  assert.equal(r.list[0].time, new Date((1700000000.5 - 1000) * 1000 + 999000).toISOString());
  assert.equal(r.list[1].message, "line two \\ backslash é", "kmsg's \\xNN escapes are undone as UTF-8");
  assert.equal(r.list[1].priority, 6);
  assert.equal(r.list[1].facility, 0);
});

test("incomplete output is an error, not an empty read", () => {
  assert.throws(() => feed(new KmsgOutputParser(null), "@@clock\tx\t1\t1\n@@R\t5,1,1,-;x\n"), /incomplete/);
});

test("values that reach the snippet are validated: no injection through positions", () => {
  assert.throws(() => kmsgReadScript({ source: "kmsg", boot_id: "x'; rm -rf / #", seq: 1 }), /boot id/);
  assert.throws(() => kmsgReadScript({ source: "kmsg", boot_id: bootId, seq: 1.5 }), /integer/);
  assert.throws(() => kmsgReadScript({ source: "kmsg", boot_id: bootId, seq: Number.NaN }), /integer/);
  assert.throws(
    () =>
      kmsgReadScript(
        { source: "kmsg", boot_id: bootId, seq: 1 },
        { until: { source: "kmsg", boot_id: bootId, seq: -5 } },
      ),
    /integer/,
  );
});
