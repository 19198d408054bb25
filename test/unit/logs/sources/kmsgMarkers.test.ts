// Window marks on /dev/kmsg: a marker record written at the window's start and end (one builtin
// printf, O(1)) instead of reading the whole ring buffer for its newest sequence number. The
// recorded buffer below was read with `dd if=/dev/kmsg iflag=nonblock` on this machine (kernel
// 6.18) after kmsgMarkScript() wrote the marks of two hosts sharing the ring buffer (namespaces of
// one machine) in one window: same window id, different nonces.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { KmsgOutputParser, checkKmsgMarker, kmsgReadScript } from "../../../../src/logs/sources/kmsg.js";
import type { KmsgPosition } from "../../../../src/logs/sources/types.js";
import { fakeCommands, feed, kmsgMarkScript, runSh, writeKmsg } from "./run-script.js";

const bootId = readFileSync("/proc/sys/kernel/random/boot_id", "utf8").trim();
const WINDOW = "20261125T154500-5e1f";

const RECORDED = [
  "14,107030,13158429439,-;nfdebug: window 20261125T154417-0d06 start 27866.1795621458.174708130",
  "14,107031,13159741312,-;nfdebug: window 20261125T154417-0d06 end 28032.1795621459.490657135",
  `14,107032,13169770915,-;nfdebug: window ${WINDOW} start 30214.1795621469.520612468`,
  "13,107033,13169775361,-;before-b",
  `14,107034,13169781581,-;nfdebug: window ${WINDOW} start 30227.1795621469.532037714`,
  "13,107035,13169785362,-;inside both windows",
  `14,107036,13169792793,-;nfdebug: window ${WINDOW} end 30238.1795621469.543037097`,
  "13,107037,13169801517,-;after a ended",
  `14,107038,13169806899,-;nfdebug: window ${WINDOW} end 30253.1795621469.558536154`,
];

/** The start.out kmsgMarkScript() printed for host A (recorded with the buffer above). */
const START_A_OUT = [
  "@@clock\t6b4c0e53-9222-48b3-9a27-932f5b6b689b\t1795621469.520612468\t13169.77",
  `@@marker\tnfdebug: window ${WINDOW} start 30214.1795621469.520612468`,
  "@@pos\t-1",
  "",
].join("\n");

function mark(at: "start" | "end", nonce: string): KmsgPosition {
  return { source: "kmsg", boot_id: bootId, seq: -1, marker: `nfdebug: window ${WINDOW} ${at} ${nonce}` };
}
const A = {
  start: mark("start", "30214.1795621469.520612468"),
  end: mark("end", "30238.1795621469.543037097"),
};
const B = {
  start: mark("start", "30227.1795621469.532037714"),
  end: mark("end", "30253.1795621469.558536154"),
};

/** Read the recorded buffer (dd stands in for the kernel) from `from` up to `until`. */
function readRecorded(records: string[], from: KmsgPosition, until?: KmsgPosition) {
  // The probe (count=0) reads nothing, like GNU dd.
  const fake = fakeCommands({ dd: `case "$*" in *count=0*) exit 0 ;; esac\ncat "$NFD_FAKE_DIR/buffer"` });
  try {
    execFileSync("/bin/sh", ["-c", 'printf "%s\\n" "$@" > "$NFD_FAKE_DIR/buffer"', "sh", ...records], {
      env: fake.env,
    });
    return feed(new KmsgOutputParser(from), runSh(kmsgReadScript(from, { until }), fake.env));
  } finally {
    fake.cleanup();
  }
}

test("a mark's output is a position carrying the marker (recorded start.out)", () => {
  const out = feed(new KmsgOutputParser(null), START_A_OUT);
  assert.deepEqual(out.position, {
    source: "kmsg",
    boot_id: "6b4c0e53-9222-48b3-9a27-932f5b6b689b",
    seq: -1,
    marker: A.start.marker,
  });
});

test("each host's markers bound its window exactly; no marker is ever a record", () => {
  const a = readRecorded(RECORDED, A.start, A.end);
  assert.deepEqual(
    a.list.map((i) => [i.pos, i.message]),
    [
      ["107033", "before-b"],
      ["107035", "inside both windows"],
    ],
  );
  assert.deepEqual(a.position, { source: "kmsg", boot_id: bootId, seq: 107036 }, "a sequence number again");
  assert.deepEqual([a.lost, a.warnings], [0, []]);
  const b = readRecorded(RECORDED, B.start, B.end);
  assert.deepEqual(
    b.list.map((i) => i.message),
    ["inside both windows", "after a ended"],
  );
  assert.equal((b.position as KmsgPosition).seq, 107038);
});

test("a collect after the window's last one continues from its sequence number: nothing new", () => {
  const r = readRecorded(RECORDED, { source: "kmsg", boot_id: bootId, seq: 107036 }, A.end);
  assert.deepEqual(
    [r.list.length, r.position, r.warnings],
    [0, { source: "kmsg", boot_id: bootId, seq: 107036 }, []],
  );
  const open = readRecorded(RECORDED, { source: "kmsg", boot_id: bootId, seq: 107033 }, A.end);
  assert.deepEqual(
    open.list.map((i) => i.message),
    ["inside both windows"],
  );
});

test("a start marker the ring buffer overwrote: read from the oldest record, loss unknown", () => {
  const r = readRecorded(RECORDED.slice(3), A.start, A.end);
  assert.deepEqual(
    r.list.map((i) => i.message),
    ["before-b", "inside both windows"],
  );
  assert.equal(r.lost, null);
  assert.match(r.warnings.join("\n"), /start marker is no longer in the kernel ring buffer/);
  assert.equal((r.position as KmsgPosition).seq, 107036);
});

test("a missing end marker: read up to the newest record, with a warning", () => {
  const r = readRecorded(RECORDED.slice(0, 6), A.start, A.end);
  assert.deepEqual(
    r.list.map((i) => i.message),
    ["before-b", "inside both windows"],
  );
  assert.match(r.warnings.join("\n"), /end marker is not in the kernel ring buffer/);
  assert.equal((r.position as KmsgPosition).seq, 107035);
});

test("a start marker of another boot is not looked for: the reboot is said, the boot read from its start", () => {
  const other = { ...A.start, boot_id: "00000000-0000-4000-8000-000000000000" };
  const r = readRecorded(RECORDED, other);
  assert.equal(r.list[0].pos, "107033");
  assert.equal(r.lost, null);
  assert.match(r.warnings.join("\n"), /rebooted/);
  assert.doesNotMatch(r.warnings.join("\n"), /start marker/);
});

test("this machine's kernel: marks written by kmsgMarkScript bound the lines logged between them", () => {
  // The ring buffer is the machine's: another test process may write marks and lines meanwhile.
  // This run's window id and lines carry a token of their own, and only they are looked at.
  const token = randomBytes(2).toString("hex");
  const window = `${WINDOW.slice(0, -4)}${token}`;
  const env = { ...process.env, NFD_MARK_WINDOW: window, NFD_CLOCK_NOW: `${Date.now() / 1000}` };
  const before = `nfdebug-marks-before ${token} ${process.pid}`;
  const inside = `nfdebug-marks-inside ${token} ${process.pid}`;
  const after = `nfdebug-marks-after ${token} ${process.pid}`;
  writeKmsg(before);
  const start = feed(
    new KmsgOutputParser(null),
    runSh(kmsgMarkScript(), { ...env, NFD_MARK_AT: "start" }),
  ).position;
  writeKmsg(inside);
  const end = feed(
    new KmsgOutputParser(null),
    runSh(kmsgMarkScript(), { ...env, NFD_MARK_AT: "end" }),
  ).position;
  writeKmsg(after);
  assert.match((start as KmsgPosition).marker ?? "", new RegExp(`^nfdebug: window ${window} start \\d+\\.`));
  const r = feed(
    new KmsgOutputParser(start as KmsgPosition),
    runSh(kmsgReadScript(start as KmsgPosition, { until: end })),
  );
  const mine = r.list.map((i) => i.message).filter((m) => m.includes(` ${token} `));
  assert.deepEqual(mine, [inside]);
  assert.ok(
    r.list.every((i) => !i.message.startsWith(`nfdebug: window ${window} `)),
    "markers are not records",
  );
  assert.deepEqual(r.warnings, []);
});

test("where /dev/kmsg cannot be written the mark falls back to the newest sequence number", () => {
  // A real process that may read the ring buffer (CAP_SYSLOG) but not write /dev/kmsg (0644 root).
  const out = execFileSync(
    "setpriv",
    [
      "--reuid=65534",
      "--regid=65534",
      "--clear-groups",
      "--inh-caps=+syslog",
      "--ambient-caps=+syslog",
      "/bin/sh",
      "-s",
    ],
    {
      input: kmsgMarkScript(),
      encoding: "utf8",
      env: { ...process.env, NFD_MARK_WINDOW: WINDOW, NFD_MARK_AT: "start", NFD_CLOCK_NOW: "1.5" },
    },
  );
  const p = feed(new KmsgOutputParser(null), out).position as KmsgPosition;
  assert.equal(p.marker, undefined);
  assert.ok(Number.isSafeInteger(p.seq) && p.seq > 0, String(p.seq));
  assert.equal(p.boot_id, bootId);
});

test("markers reach scripts only in nfdebug's own format", () => {
  assert.equal(checkKmsgMarker(A.start.marker ?? ""), A.start.marker);
  for (const bad of [
    "nfdebug: window x'; rm -rf / # start 1.2",
    `nfdebug: window ${WINDOW} start 1.2\n@@pos\t5`,
    `nfdebug: window ${WINDOW} middle 1.2`,
  ]) {
    assert.throws(() => kmsgReadScript({ ...A.start, marker: bad }), /not an nfdebug kmsg marker/);
    assert.throws(
      () => kmsgReadScript(A.start, { until: { ...A.end, marker: bad } }),
      /not an nfdebug kmsg marker/,
    );
  }
  assert.throws(
    () => feed(new KmsgOutputParser(null), "@@marker\tnfdebug: window ; start 1\n@@pos\t-1\n"),
    /marker/,
  );
});
