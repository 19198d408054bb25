// nfdebug parse, run as a user would: the shipped sample log into a bundle, JSON Lines from a
// gzip on stdin, and bad input refused with the file and the cause.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { CLI_MAIN, runCli } from "../../support/cli.js";

const SAMPLE = fileURLToPath(new URL("../../../../playbooks/samples/kern.log", import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "nfd-parse-"));
after(() => rmSync(dir, { recursive: true, force: true }));

const sampleLines = readFileSync(SAMPLE, "utf8").split("\n").filter(Boolean);
const conntrackLines = sampleLines.filter((l) => / kernel: nf_ct_proto_\d+: /.test(l));

test("the shipped sample log becomes a bundle a newcomer can open", async () => {
  const out = join(dir, "bundle");
  const run = await runCli(["parse", SAMPLE, "--out", out], { json: false });
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stderr, /kern\.log: syslog \(detected\), \d+ entries, \d+ record\(s\)/);
  assert.match(run.stdout, new RegExp(`^${conntrackLines.length} record\\(s\\) from 2 host\\(s\\)`));
  assert.match(run.stdout, /tcp\.invalid_flags +16 +2 /);
  for (const f of ["records.jsonl", "manifest.json", "summary.md", "report.html"])
    assert.ok(existsSync(join(out, f)), f);
  const records = readFileSync(join(out, "records.jsonl"), "utf8").trim().split("\n");
  assert.equal(records.length, conntrackLines.length);
  const html = readFileSync(join(out, "report.html"), "utf8");
  assert.match(html, /tcp\.invalid_flags|invalid tcp flag combination/);
  assert.match(readFileSync(join(out, "summary.md"), "utf8"), /edge1/);
  // The bundle re-renders like a runbook's.
  const again = await runCli(["report", out], { json: false });
  assert.equal(again.code, 0, again.stderr);
});

test("records as JSON Lines from a gzip on standard input, with --host and --since", () => {
  const run = spawnSync(
    process.execPath,
    [CLI_MAIN, "parse", "-", "--json", "--host", "gw1", "--since", "2026-12-04T08:30:00Z"],
    { input: gzipSync(readFileSync(SAMPLE)), encoding: "utf8" },
  );
  assert.equal(run.status, 0, run.stderr);
  const records = run.stdout
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l) as { host: string; time: string });
  const expected = conntrackLines.filter((l) => l.slice(0, 26) >= "2026-12-04T08:30:00.000000").length;
  assert.ok(expected > 0 && expected < conntrackLines.length);
  assert.equal(records.length, expected);
  assert.ok(records.every((r) => r.host === "gw1" && r.time >= "2026-12-04T08:30:00"));
  assert.match(run.stderr, /-: syslog \(detected\).*outside --since\/--until/);
});

test("bad input: a missing file, an unknown --format, a bad --since: exit 1, nothing written", async () => {
  const missing = await runCli(["parse", join(dir, "absent.log")], { json: false });
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /absent\.log:1:1: cannot read/);
  const format = await runCli(["parse", SAMPLE, "--format", "xml"], { json: false });
  assert.equal(format.code, 1);
  assert.match(format.stderr, /--format.*xml/);
  const since = await runCli(["parse", SAMPLE, "--since", "yesterday-ish", "--out", join(dir, "no")], {
    json: false,
  });
  assert.equal(since.code, 1);
  assert.match(since.stderr, /--since yesterday-ish: expected an ISO 8601 time/);
  assert.equal(existsSync(join(dir, "no")), false);
});
