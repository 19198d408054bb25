// readSavedInput and resolveInputs on files written to a temporary directory: gzip, sosreports,
// packet dumps on a line of their own, lines userspace wrote, --since/--until and host names.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import type { FullRecord } from "../../../../src/logs/parse.js";
import { resolveInputs } from "../../../../src/logs/saved/inputs.js";
import { readSavedInput, type ReadSavedOptions } from "../../../../src/logs/saved/read.js";

const dir = mkdtempSync(join(tmpdir(), "nfd-saved-"));
after(() => rmSync(dir, { recursive: true, force: true }));

const DUMP =
  "IN=lo OUT= MAC=00:00:00:00:00:00:00:00:00:00:00:00:08:00 SRC=127.0.0.1 DST=127.0.0.1 LEN=35 TOS=0x00 PREC=0x00 TTL=64 ID=56397 DF PROTO=UDP SPT=47500 DPT=6099 LEN=15";
const UDP = `nf_ct_proto_17: bad checksum ${DUMP}`;
const SCTP = "nf_ct_proto_132: do_basic_checks failed. chunk num 0, type 1, len 0 flag 1";
const SCTP_DUMP = "IN= OUT=va SRC=10.231.0.1 DST=10.231.0.2 LEN=36 TOS=0x00 PREC=0x00 TTL=64 ID=1 PROTO=132";

function file(name: string, content: string | Buffer): string {
  const path = join(dir, name);
  mkdirSync(join(path, ".."), { recursive: true });
  writeFileSync(path, content);
  return path;
}

async function records(paths: string[], options: Partial<ReadSavedOptions> = {}) {
  const out: FullRecord[] = [];
  const reports = [];
  for (const input of await resolveInputs(paths))
    reports.push(await readSavedInput(input, { ...options, onRecord: (r) => void out.push(r) }));
  return { out, reports };
}

test("a gzip-compressed kern.log is read as text, its hosts taken from the lines", async () => {
  const text = `Dec  4 09:15:02 edge1 kernel: ${UDP}\nDec  4 09:15:03 edge2 kernel: ${UDP}\n`;
  const { out, reports } = await records([file("kern.log.2.gz", gzipSync(text))]);
  assert.deepEqual(
    out.map((r) => [r.host, r.reason_id, r.dport]),
    [
      ["edge1", "udp.bad_checksum", 6099],
      ["edge2", "udp.bad_checksum", 6099],
    ],
  );
  assert.deepEqual([reports[0].format, reports[0].chosen, reports[0].entries], ["syslog", "detected", 2]);
});

test("SCTP's packet dump on its own line (dmesg indents it) is joined to its reason", async () => {
  const dmesg = `[  96.3] ${SCTP}\n           ${SCTP_DUMP}\n[  96.4] ${UDP}\n[  96.5] ${SCTP}\n`;
  const { out } = await records([file("sctp.dmesg", dmesg)]);
  assert.deepEqual(
    out.map((r) => [r.reason_id, r.src, r.truncated]),
    [
      ["sctp.basic_checks", "10.231.0.1", false],
      ["udp.bad_checksum", "127.0.0.1", false],
      // The last one really lost its dump: it stays, flagged.
      ["sctp.basic_checks", null, true],
    ],
  );
  assert.match(out[0].raw, /flag 1\n IN= OUT=va/);
});

test("lines userspace wrote as 'kernel' are skipped and counted where the format shows it", async () => {
  const json = [
    JSON.stringify({ MESSAGE: UDP, _TRANSPORT: "kernel", _HOSTNAME: "edge1" }),
    JSON.stringify({ MESSAGE: UDP, _TRANSPORT: "syslog", SYSLOG_IDENTIFIER: "kernel", _HOSTNAME: "edge1" }),
  ].join("\n");
  const rfc5424 = `<5>1 2026-12-04T09:15:02Z edge1 kernel - - - ${UDP}\n<13>1 2026-12-04T09:15:02Z edge1 kernel - - - ${UDP}\n`;
  for (const [name, content] of [
    ["journal.json", json],
    ["messages.5424", rfc5424],
  ]) {
    const { out, reports } = await records([file(name, content)]);
    assert.deepEqual([out.length, reports[0].userspace], [1, 1], name);
  }
});

test("--since/--until keep the window; lines without a wall time are kept and counted", async () => {
  const text = ["08:00:00", "09:00:00", "10:00:00"]
    .map((t) => `2026-12-04T${t}Z edge1 kernel: ${UDP}`)
    .join("\n");
  const { out, reports } = await records([file("window.log", text)], {
    since: new Date("2026-12-04T08:30:00Z"),
    until: new Date("2026-12-04T09:30:00Z"),
  });
  assert.deepEqual(
    out.map((r) => r.time),
    ["2026-12-04T09:00:00.000Z"],
  );
  assert.equal(reports[0].outside, 2);
  const undated = await records([file("undated.dmesg", `[ 1.0] ${UDP}\n`)], { since: new Date(0) });
  assert.deepEqual([undated.out.length, undated.reports[0].undated], [1, 1]);
});

test("--host names every record; without it a dmesg file's records are named after the file", async () => {
  const path = file("h9.dmesg", `[ 1.0] ${UDP}\n`);
  assert.equal((await records([path], { host: "web9" })).out[0].host, "web9");
  assert.equal((await records([path])).out[0].host, path);
});

test("a sosreport: its syslog files oldest first, its host name, and the other copies named", async () => {
  const sos = join(dir, "sosreport-edge7");
  file("sosreport-edge7/hostname", "edge7\n");
  file("sosreport-edge7/sos_commands/kernel/dmesg", `[ 1.0] ${UDP}\n`);
  file("sosreport-edge7/sos_commands/logs/journalctl_--no-pager", `Dec  4 09:15:02 edge7 kernel: ${UDP}\n`);
  const old = file("sosreport-edge7/var/log/messages-20261201", `Dec  1 09:15:02 x kernel: ${UDP}\n`);
  file("sosreport-edge7/var/log/messages", `Dec  4 09:15:02 x kernel: ${UDP}\n`);
  utimesSync(old, new Date("2026-12-01T10:00:00Z"), new Date("2026-12-01T10:00:00Z"));
  const inputs = await resolveInputs([sos]);
  assert.deepEqual(
    inputs.map((i) => i.label.slice(sos.length + 1)),
    ["var/log/messages-20261201", "var/log/messages"],
  );
  assert.match(
    inputs[0].note ?? "",
    /reading its syslog files \(its journal and dmesg hold the same kernel log\)/,
  );
  const { out } = await records([sos]);
  assert.deepEqual(
    out.map((r) => [r.host, r.time?.slice(0, 10)]),
    [
      ["edge7", "2026-12-01"],
      ["edge7", "2026-12-04"],
    ],
  );
});

test("a missing file is an input error naming it", async () => {
  await assert.rejects(resolveInputs([join(dir, "nope.log")]), /nope\.log:1:1: cannot read/);
});
