// Saved-log formats: detection and reading, on outputs recorded from Debian 12's 6.1 kernel
// (test/fixtures/debian-6.1) and on lines written exactly as the other tools print them.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { detectFormat } from "../../../../src/logs/saved/detect.js";
import { lineReader } from "../../../../src/logs/saved/lineFormats.js";
import { journalExportEntries } from "../../../../src/logs/saved/journalExport.js";

const recorded = (name: string) =>
  readFileSync(new URL(`../../../../../test/fixtures/debian-6.1/${name}`, import.meta.url), "utf8");
const DUMP =
  "IN=lo OUT= MAC=00:00:00:00:00:00:00:00:00:00:00:00:08:00 SRC=127.0.0.1 DST=127.0.0.1 LEN=35 TOS=0x00 PREC=0x00 TTL=64 ID=56397 DF PROTO=UDP SPT=47500 DPT=6099 LEN=15";
const LINE = `nf_ct_proto_17: bad checksum ${DUMP}`;

test("recorded outputs of dmesg, dmesg -r, journalctl -k, -o json and /dev/kmsg are told apart", () => {
  const expected: Record<string, string> = {
    "invalid.dmesg.txt": "dmesg",
    "dmesg-r-tail.txt": "dmesg",
    "invalid.journalctl-k.txt": "syslog",
    "journalctl-k--show-cursor-n-5.txt": "syslog",
    "invalid.journalctl-k-o-json.jsonl": "journal-json",
    "dev-kmsg.tail.txt": "kmsg",
  };
  for (const [file, format] of Object.entries(expected))
    assert.equal(detectFormat(recorded(file)).format, format, file);
});

test("each format's stamp, host and message, as its tool prints them", () => {
  const latest = new Date("2026-12-04T12:00:00Z");
  const cases: Array<[string, string, { time: string | null; host: string | null; fromKernel: boolean }]> = [
    [
      "syslog",
      `Dec  4 09:15:02 edge1 kernel: [ 4471.891443] ${LINE}`,
      { time: "2026-12-04T09:15:02.000Z", host: "edge1", fromKernel: true },
    ],
    [
      "syslog",
      `2026-12-04T09:15:02.123456+01:00 edge1 kernel: ${LINE}`,
      { time: "2026-12-04T08:15:02.123Z", host: "edge1", fromKernel: true },
    ],
    // journalctl -o short-iso and short-precise
    [
      "syslog",
      `2026-12-04T09:15:02+0000 edge1 kernel: ${LINE}`,
      { time: "2026-12-04T09:15:02.000Z", host: "edge1", fromKernel: true },
    ],
    [
      "syslog",
      `Dec 04 09:15:02.654321 edge1 kernel: ${LINE}`,
      { time: "2026-12-04T09:15:02.654Z", host: "edge1", fromKernel: true },
    ],
    // A December line read in January belongs to last year.
    [
      "syslog",
      `Dec 31 23:59:59 edge1 kernel: ${LINE}`,
      { time: "2025-12-31T23:59:59.000Z", host: "edge1", fromKernel: true },
    ],
    [
      "syslog",
      `Dec  4 09:15:02 edge1 kernel[4242]: ${LINE}`,
      { time: "2026-12-04T09:15:02.000Z", host: "edge1", fromKernel: false },
    ],
    [
      "rfc5424",
      `<5>1 2026-12-04T09:15:02.5Z edge1 kernel - - - ${LINE}`,
      { time: "2026-12-04T09:15:02.500Z", host: "edge1", fromKernel: true },
    ],
    [
      "rfc5424",
      `<13>1 2026-12-04T09:15:02Z edge1 kernel 4242 - [meta x="1"] ${LINE}`,
      { time: "2026-12-04T09:15:02.000Z", host: "edge1", fromKernel: false },
    ],
    ["dmesg", `[ 4471.891443] ${LINE}`, { time: null, host: null, fromKernel: true }],
    ["dmesg", `<4>[ 4471.891443] ${LINE}`, { time: null, host: null, fromKernel: true }],
    ["dmesg", `<12>[ 4471.891443] ${LINE}`, { time: null, host: null, fromKernel: false }],
    ["dmesg", `kern  :warn  : [ 4471.891443] ${LINE}`, { time: null, host: null, fromKernel: true }],
    ["dmesg", `user  :notice: [ 4471.891443] ${LINE}`, { time: null, host: null, fromKernel: false }],
    [
      "dmesg",
      `[Fri Dec  4 09:15:02 2026] ${LINE}`,
      { time: "2026-12-04T09:15:02.000Z", host: null, fromKernel: true },
    ],
    [
      "dmesg",
      `2026-12-04T09:15:02,123456+00:00 ${LINE}`,
      { time: "2026-12-04T09:15:02.123Z", host: null, fromKernel: true },
    ],
    ["kmsg", `4,1234,4471891443,-;${LINE}`, { time: null, host: null, fromKernel: true }],
    ["kmsg", `12,1235,4471891443,-;${LINE}`, { time: null, host: null, fromKernel: false }],
    [
      "journal-json",
      JSON.stringify({
        MESSAGE: LINE,
        _TRANSPORT: "kernel",
        _HOSTNAME: "edge1",
        __REALTIME_TIMESTAMP: "1796375702000000",
      }),
      { time: "2026-12-04T09:15:02.000Z", host: "edge1", fromKernel: true },
    ],
    [
      "journal-json",
      JSON.stringify({
        MESSAGE: LINE,
        _TRANSPORT: "syslog",
        SYSLOG_IDENTIFIER: "kernel",
        _HOSTNAME: "edge1",
      }),
      { time: null, host: "edge1", fromKernel: false },
    ],
    ["cat", LINE, { time: null, host: null, fromKernel: true }],
  ];
  for (const [format, line, want] of cases) {
    const m = lineReader(format as "syslog", latest)(line);
    assert.ok(m, `${format}: ${line}`);
    assert.deepEqual({ time: m.time, host: m.host, fromKernel: m.fromKernel }, want, `${format}: ${line}`);
    assert.equal(m.message, LINE, `${format}: the message is the kernel's text`);
    assert.equal(detectFormat(`${line}\n${line}\n`).format, format, `detected: ${line}`);
  }
});

test("rsyslog's #012 and kmsg's \\x0a are the kernel's newline again", () => {
  const sctp = "nf_ct_proto_132: do_basic_checks failed. chunk num 0, type 1, len 0 flag 1";
  const syslog = lineReader("syslog", new Date())(`Dec  4 09:15:02 edge1 kernel: ${sctp}#012 ${DUMP}`);
  assert.equal(syslog?.message, `${sctp}\n ${DUMP}`);
  const kmsg = lineReader("kmsg", new Date())(`4,1,2,-;${sctp}\\x0a ${DUMP}`);
  assert.equal(kmsg?.message, `${sctp}\n ${DUMP}`);
});

test("journalctl -o export: text fields, and a binary field whose value holds a newline", async () => {
  const message = Buffer.from(`nf_ct_proto_132: do_basic_checks failed. chunk num 0\n ${DUMP}`);
  const size = Buffer.alloc(8);
  size.writeBigUInt64LE(BigInt(message.length));
  const entry = Buffer.concat([
    Buffer.from("__CURSOR=s=1;i=2\n__REALTIME_TIMESTAMP=1796375702000000\n_TRANSPORT=kernel\nMESSAGE\n"),
    size,
    message,
    Buffer.from("\n_HOSTNAME=edge1\n\n"),
  ]);
  const whole = Buffer.concat([
    entry,
    Buffer.from(`__CURSOR=s=1;i=3\nMESSAGE=${LINE}\n_TRANSPORT=kernel\n\n`),
  ]);
  // Chunked one byte at a time: a field split anywhere is reassembled.
  const bytes = async function* () {
    for (let i = 0; i < whole.length; i++) yield whole.subarray(i, i + 1);
  };
  const entries = [];
  for await (const e of journalExportEntries(bytes())) entries.push(e);
  assert.deepEqual(
    entries.map((e) => [e.__CURSOR, e.MESSAGE, e._HOSTNAME]),
    [
      ["s=1;i=2", message.toString(), "edge1"],
      ["s=1;i=3", LINE, undefined],
    ],
  );
  assert.equal(detectFormat(whole.toString("latin1")).format, "journal-export");
});
