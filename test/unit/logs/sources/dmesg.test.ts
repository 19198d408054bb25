// The dmesg reader against this machine's real ring buffer (util-linux dmesg, run as root).
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { randomUUID } from "node:crypto";
import { DmesgOutputParser, dmesgReadScript } from "../../../../src/logs/sources/dmesg.js";
import type { DmesgPosition } from "../../../../src/logs/sources/types.js";
import { fakeCommands, feed, positionScript, runSh, writeKmsg } from "./run-script.js";

const bootId = readFileSync("/proc/sys/kernel/random/boot_id", "utf8").trim();

function start(): DmesgPosition {
  return feed(new DmesgOutputParser(null), runSh(positionScript({ kind: "dmesg", detail: null })))
    .position as DmesgPosition;
}

function read(from: DmesgPosition, options = {}) {
  return feed(new DmesgOutputParser(from), runSh(dmesgReadScript(from, options)));
}

const usec = (pos: string) => Math.round(Number(pos) * 1e6);

test("the start position is the newest record's kernel timestamp", () => {
  const p = start();
  const uptime = Number(readFileSync("/proc/uptime", "utf8").split(" ")[0]);
  assert.equal(p.boot_id, bootId);
  assert.ok(p.usec > 0 && p.usec <= uptime * 1e6 + 1e6, `${p.usec} µs vs uptime ${uptime} s`);
  assert.ok(p.same >= 1);
});

test("reads return what came after the position, once", () => {
  const p0 = start();
  const a = `nfdebug-dmesg-test ${randomUUID()}`;
  const b = `nfdebug-dmesg-test ${randomUUID()}`;
  writeKmsg(a);
  writeKmsg(b);
  const r1 = read(p0);
  const mine = r1.list.filter((i) => i.message === a || i.message === b);
  assert.deepEqual(
    mine.map((i) => i.message),
    [a, b],
  );
  assert.ok(r1.list.every((i) => usec(i.pos) >= p0.usec));
  assert.ok(mine.every((i) => i.priority === 5 && i.time !== null));
  assert.deepEqual([r1.lost, r1.warnings], [0, []]);
  const p1 = r1.position as DmesgPosition;
  assert.ok(p1.usec >= usec(mine[1].pos));
  const r2 = read(p1);
  assert.equal(r2.list.filter((i) => i.message === a || i.message === b).length, 0, "no duplicates");
});

test("records sharing one timestamp are told apart by the count already read", () => {
  const from: DmesgPosition = { source: "dmesg", boot_id: bootId, usec: 5_000_001, same: 1 };
  const fake = fakeCommands({
    dmesg:
      "printf '%s\\n' '<5>[    5.000001] first at t' '<5>[    5.000001] second at t' '<6>[    5.000002] later' 'continuation without prefix' '<4>[   12.500000] last'",
  });
  try {
    const r = feed(new DmesgOutputParser(from), runSh(dmesgReadScript(from), fake.env));
    assert.deepEqual(
      r.list.map((i) => i.message),
      ["second at t", "later", "last"],
    );
    assert.deepEqual([r.list[2].pos, r.list[2].priority], ["12.500000", 4]);
    assert.deepEqual(r.position, { source: "dmesg", boot_id: bootId, usec: 12_500_000, same: 1 });
  } finally {
    fake.cleanup();
  }
});

test("a buffer whose oldest record is newer than the position wrapped: said, count unknown", () => {
  const from: DmesgPosition = { source: "dmesg", boot_id: bootId, usec: 1_000_000, same: 1 };
  const output = [
    `@@clock\t${bootId}\t1700000000\t500`,
    "@@warn\twrapped\t3.000000",
    "@@R\t<5>[    3.000000] x",
    "@@pos\t3\t000000\t1",
  ].join("\n");
  const r = feed(new DmesgOutputParser(from), output);
  assert.equal(r.lost, null);
  assert.match(r.warnings[0], /wrapped/);
  assert.deepEqual(r.position, { source: "dmesg", boot_id: bootId, usec: 3_000_000, same: 1 });
});

test("this machine's real buffer: reading from time 0 reports a wrap exactly when boot records are gone", () => {
  const r = read({ source: "dmesg", boot_id: bootId, usec: 0, same: 0 });
  const oldest = r.list[0];
  assert.ok(oldest);
  if (usec(oldest.pos) > 0) assert.equal(r.lost, null);
  else assert.deepEqual([r.lost, r.warnings], [0, []]);
});

test("positions are validated before they reach the snippet", () => {
  assert.throws(() => dmesgReadScript({ source: "dmesg", boot_id: bootId, usec: 1.5, same: 0 }), /integer/);
  assert.throws(
    () => dmesgReadScript({ source: "dmesg", boot_id: "$(reboot)", usec: 1, same: 0 }),
    /boot id/,
  );
});
