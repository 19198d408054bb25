// The syslog-file reader on real files in a temporary directory: offsets, lines still being written,
// rotation (kern.log.1 and messages-YYYYMMDD), truncation, filters and end positions.
import { after, beforeEach, test } from "node:test";
import assert from "node:assert/strict";
import { appendFileSync, mkdtempSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  FileOutputParser,
  fileReadScript,
  parseSyslogLine,
} from "../../../../src/logs/sources/syslog-file.js";
import type { FilePosition, ReadOptions } from "../../../../src/logs/sources/types.js";
import { feed, positionScript, runSh } from "./run-script.js";

const root = mkdtempSync(join(tmpdir(), "nfdebug-syslog-"));
let dir = "";
let n = 0;
beforeEach(() => {
  dir = join(root, String(n++));
  runSh(`mkdir -p '${dir}'`);
});
after(() => rmSync(root, { recursive: true, force: true }));

const NOW = new Date("2024-05-01T13:00:00Z");
const start = (path: string) =>
  feed(
    new FileOutputParser({ source: "file", path, inode: -1, offset: 0 }, NOW),
    runSh(positionScript({ kind: "file", detail: path })),
  ).position as FilePosition;
const read = (from: FilePosition, options: ReadOptions = {}) =>
  feed(new FileOutputParser(from, NOW), runSh(fileReadScript(from, options)));

const K1 =
  "2024-05-01T12:00:02.500000+02:00 deb12 kernel: nf_ct_proto_6: invalid rst IN= OUT=lo SRC=127.0.0.1 DST=127.0.0.1\n";
const K2 = "May  1 12:00:03 deb12 kernel: [  447.891443] nf_ct_proto_17: bad checksum IN=lo OUT=\n";
const OTHER = "May  1 12:00:03 deb12 systemd[1]: Started something.\n";

test("only kernel lines after the offset; a line still being written waits for the next read", () => {
  const f = join(dir, "kern.log");
  writeFileSync(f, "2024-05-01T11:00:00.000000+02:00 deb12 kernel: before the window\n");
  const p0 = start(f);
  assert.equal(p0.offset, 65);
  appendFileSync(f, K1 + OTHER + K2 + "2024-05-01T12:00:04.0+02:00 deb12 kernel: half a li");
  const r1 = read(p0);
  assert.deepEqual(
    r1.list.map((i) => [i.message, i.time]),
    [
      ["nf_ct_proto_6: invalid rst IN= OUT=lo SRC=127.0.0.1 DST=127.0.0.1", "2024-05-01T10:00:02.500Z"],
      ["nf_ct_proto_17: bad checksum IN=lo OUT=", "2024-05-01T12:00:03.000Z"],
    ],
  );
  assert.equal(r1.list[0].pos, `${f}:65`, "a line's position is its byte offset");
  const p1 = r1.position as FilePosition;
  assert.equal(p1.offset, 65 + Buffer.byteLength(K1 + OTHER + K2));
  assert.equal(p1.inode, p0.inode);
  appendFileSync(f, "ne\n");
  const r2 = read(p1);
  assert.deepEqual(
    r2.list.map((i) => i.message),
    ["half a line"],
  );
  assert.deepEqual(read(r2.position as FilePosition).list, [], "nothing twice");
});

test("rotation: the rest of the old file (kern.log.1) first, then the new one from its start", () => {
  const f = join(dir, "kern.log");
  writeFileSync(f, K1);
  const p0 = start(f);
  appendFileSync(f, K2);
  renameSync(f, `${f}.1`);
  writeFileSync(f, "2024-05-01T12:30:00+00:00 deb12 kernel: after rotation\n");
  const r = read(p0);
  assert.deepEqual(
    r.list.map((i) => i.message),
    ["nf_ct_proto_17: bad checksum IN=lo OUT=", "after rotation"],
  );
  assert.match(r.warnings[0], /rotated; read the rest of .*kern\.log\.1/);
  assert.equal(r.lost, 0);
  assert.notEqual((r.position as FilePosition).inode, p0.inode);
});

test("rotation with a date suffix (RHEL /var/log/messages-YYYYMMDD), and with the old file gone", () => {
  const f = join(dir, "messages");
  writeFileSync(f, K1);
  const p0 = start(f);
  appendFileSync(f, K2);
  renameSync(f, `${f}-20240501`);
  writeFileSync(f, "");
  assert.deepEqual(
    read(p0).list.map((i) => i.message),
    ["nf_ct_proto_17: bad checksum IN=lo OUT="],
  );
  rmSync(`${f}-20240501`);
  const r = read(p0);
  assert.equal(r.lost, null);
  assert.match(r.warnings[0], /old file is gone/);
});

test("a file shorter than the offset was truncated: read from its start, and say so", () => {
  const f = join(dir, "kern.log");
  writeFileSync(f, K1 + K2);
  const p0 = start(f);
  writeFileSync(f, K2);
  const r = read(p0);
  assert.deepEqual(
    r.list.map((i) => i.message),
    ["nf_ct_proto_17: bad checksum IN=lo OUT="],
  );
  assert.match(r.warnings[0], /truncated/);
});

test("filters, end positions, and a missing file", () => {
  const f = join(dir, "kern.log");
  writeFileSync(f, "");
  const p0 = start(f);
  appendFileSync(f, K1 + K2);
  assert.deepEqual(
    read(p0, { contains: ["nf_ct_proto_17"] }).list.map((i) => i.message),
    ["nf_ct_proto_17: bad checksum IN=lo OUT="],
  );
  const end: FilePosition = { ...p0, offset: Buffer.byteLength(K1) };
  const bounded = read(p0, { until: end });
  assert.deepEqual(bounded.list.length, 1);
  assert.equal((bounded.position as FilePosition).offset, end.offset);
  const missing = read({ source: "file", path: join(dir, "nope.log"), inode: 5, offset: 10 });
  assert.deepEqual(
    [missing.list.length, missing.position],
    [0, { source: "file", path: join(dir, "nope.log"), inode: 5, offset: 10 }],
  );
  assert.match(missing.warnings[0], /not readable/);
});

test("syslog timestamps: RFC 3339 with its zone; traditional ones in the host's zone and the right year", () => {
  assert.deepEqual(parseSyslogLine("2024-05-01T12:00:02.5+02:00 h kernel: x"), {
    time: "2024-05-01T10:00:02.500Z",
    message: "x",
  });
  assert.deepEqual(parseSyslogLine("May  1 12:00:03 h kernel: [ 1.000000] y", NOW, 120), {
    time: "2024-05-01T10:00:03.000Z",
    message: "y",
  });
  assert.equal(
    parseSyslogLine("Dec 31 23:59:59 h kernel: z", NOW)?.time,
    "2023-12-31T23:59:59.000Z",
    "December seen in May: last year",
  );
  assert.equal(parseSyslogLine("May  1 12:00:03 h sshd[9]: not the kernel", NOW), null);
  assert.deepEqual(parseSyslogLine("garbage kernel: text"), { time: null, message: "text" });
});

test("paths are validated and quoted", () => {
  for (const bad of [
    "relative/kern.log",
    "/var/log/$(id)",
    "/var/log/a b",
    "/var/log/../../etc/shadow",
    "/x'y",
  ]) {
    assert.throws(() => fileReadScript({ source: "file", path: bad, inode: 1, offset: 0 }), /path/);
  }
  assert.throws(
    () => fileReadScript({ source: "file", path: "/var/log/kern.log", inode: 1, offset: -1 }),
    /offset/,
  );
});
