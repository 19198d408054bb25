// nfdebug parse on NFLOG captures, run as a user would: a pcap detected by its magic number (also
// gzipped, on stdin), its host from the file name, --format pcap forced on a file that is none,
// a capture cut inside a packet, and a bundle whose records say they came from nflog.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { CLI_MAIN, runCli } from "../../support/cli.js";

const FIXTURES = fileURLToPath(new URL("../../../../test/fixtures/capture/", import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "nfd-parse-pcap-"));
after(() => rmSync(dir, { recursive: true, force: true }));

test("a pcap named after its host becomes a bundle of nflog records", async () => {
  const pcap = join(dir, "web1.pcap");
  copyFileSync(join(FIXTURES, "invalid.pcap"), pcap);
  const out = join(dir, "bundle");
  const run = await runCli(["parse", pcap, join(FIXTURES, "invalid.pcapng"), "--out", out], { json: false });
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stderr, /web1\.pcap: pcap \(detected\), 27 entries, 27 record\(s\)/);
  assert.match(run.stderr, /invalid\.pcapng: pcap \(detected\), 7 entries, 7 record\(s\)/);
  assert.match(run.stdout, /^34 record\(s\) from 2 host\(s\)/);
  const records = readFileSync(join(out, "records.jsonl"), "utf8")
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l) as Record<string, unknown>);
  assert.equal(records.length, 34);
  assert.ok(records.every((r) => r.source === "nflog"));
  assert.deepEqual([...new Set(records.map((r) => r.host))].sort(), ["invalid", "web1"]);
  assert.match(
    readFileSync(join(out, "report.html"), "utf8"),
    /tcp\.invalid_flags|invalid tcp flag combination/,
  );
});

test("a gzipped capture on standard input, --json, --host", () => {
  const run = spawnSync(process.execPath, [CLI_MAIN, "parse", "--json", "--host", "h9", "-"], {
    input: gzipSync(readFileSync(join(FIXTURES, "invalid-nano.pcap"))),
    encoding: "utf8",
  });
  assert.equal(run.status, 0, run.stderr);
  const records = run.stdout
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l) as Record<string, unknown>);
  assert.equal(records.length, 5);
  assert.ok(records.every((r) => r.host === "h9" && /\.\d{9}Z$/.test(String(r.time))));
});

test("a capture cut inside a packet: its complete packets, and where it ends", async () => {
  const cut = join(dir, "cut.pcap");
  writeFileSync(cut, readFileSync(join(FIXTURES, "invalid.pcap")).subarray(0, 3000));
  const run = await runCli(["parse", cut], { json: false });
  assert.equal(run.code, 0, run.stderr);
  assert.match(
    run.stderr,
    /cut\.pcap: pcap \(detected\), 16 entries, 16 record\(s\), ends inside a packet after byte 2964/,
  );
});

test("--format pcap on a file that is no capture: refused with the file and the cause", async () => {
  const text = join(dir, "kern.log");
  writeFileSync(text, "Dec  5 12:00:00 h1 kernel: nf_ct_proto_6: invalid rst IN=lo OUT=\n");
  const run = await runCli(["parse", "--format", "pcap", text], { json: false });
  assert.equal(run.code, 1);
  assert.match(run.stderr, /kern\.log:1:1: not a pcap or pcapng file \(unknown magic number\)/);
  const empty = join(dir, "empty.pcap");
  writeFileSync(empty, "");
  const none = await runCli(["parse", "--format", "pcap", empty], { json: false });
  assert.equal(none.code, 1);
  assert.match(none.stderr, /empty\.pcap:1:1: not a pcap or pcapng file \(shorter than a magic number\)/);
});
