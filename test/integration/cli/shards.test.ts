// Issue 18's sharded run on 40 namespace hosts, through the real CLI: the shipped
// tcp-invalid-triage runbook once over all of them, then as 4 shards (--shard K/4) run at the same
// time, as 4 controllers would, and joined by `nfdebug merge`. The merged bundle has the single
// run's hosts, steps, per-host counters and records per reason.
//
// The namespaces share one kernel log, and the shards' windows overlap: each shard's hosts read
// the lines the other shards' hosts caused. merge keeps each line once (by its kmsg position),
// so the merged records count each INVALID line once, like the single run.
import { after, afterEach, before, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { startFleet, type Fleet } from "../../fleet/netns.js";
import { runCli } from "../../support/cli.js";
import type { LogRecord } from "../../../src/logs/record.js";
import type { BundleManifest } from "../../../src/report/bundle.js";
import { fleetArgs, revertOpenWindows, stopFleet } from "./fleetProbe.js";
import { readJsonLines } from "./collectProbe.js";
import { bundleShape, json } from "./bundleShape.js";

const REPO = fileURLToPath(new URL("../../../../", import.meta.url));
const RUNBOOK = join(REPO, "playbooks", "runbooks", "tcp-invalid-triage.yaml");
const COUNT = 40;
const SHARDS = 4;

let fleet: Fleet;
let dir: string;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), "nfd-cli-shards-"));
  fleet = await startFleet({ count: COUNT, allNetnsLogging: true });
});

afterEach(async () => {
  await revertOpenWindows(fleet);
});

after(() => stopFleet(fleet, dir));

async function run(out: string, ...extra: string[]): Promise<string> {
  const cli = await runCli(["run", RUNBOOK, "--out", out, ...extra, ...fleetArgs(fleet)], {
    timeoutMs: 600_000,
  });
  assert.equal(cli.code, 0, `run ${extra.join(" ")}: ${cli.stderr}`);
  return cli.stderr;
}

test("4 shards of 40 hosts run at once and merged: the single run's hosts, steps, counters and records per reason", async () => {
  const whole = join(dir, "whole");
  await run(whole);
  const expected = bundleShape(whole);
  assert.deepEqual(expected.perReason, { "tcp.invalid_flags": COUNT * 10 }, "40 hosts × 5 SYN+RST × 2 lines");
  assert.equal(expected.counters.length, COUNT);
  for (const [host, , invalid] of expected.counters) assert.equal(invalid, 10, String(host));

  const shards = Array.from({ length: SHARDS }, (_, i) => join(dir, `shard-${i + 1}`));
  const stderr = await Promise.all(shards.map((out, i) => run(out, "--shard", `${i + 1}/${SHARDS}`)));
  const sizes = shards.map((out) => json<BundleManifest>(join(out, "manifest.json")).hosts.length);
  assert.deepEqual(sizes, [10, 10, 10, 10], "an even split");
  stderr.forEach((text, i) =>
    assert.match(
      text,
      new RegExp(`^nfdebug: shard ${i + 1}/${SHARDS}: 10 of ${COUNT} selected host\\(s\\)$`, "m"),
    ),
  );
  // Each shard read at least its own hosts' 100 lines; where windows overlapped (how much depends
  // on scheduling), also other shards' lines, which the merge keeps once.
  const read = shards.map((out) => readJsonLines<LogRecord>(join(out, "records.jsonl")).length);
  for (const [i, n] of read.entries()) assert.ok(n >= 100, `shard ${i + 1}: ${n} records`);
  const twice = read.reduce((x, y) => x + y) - COUNT * 10;

  const out = join(dir, "merged");
  const cli = await runCli(["merge", ...shards, "--out", out], { json: false });
  assert.equal(cli.code, 0, cli.stderr);
  const note =
    /(\d+) line\(s\) that hosts of more than one bundle read from one kernel log \(.+\/kmsg\) are kept once/;
  if (twice > 0) assert.equal(note.exec(cli.stderr)?.[1], String(twice), cli.stderr);
  else assert.doesNotMatch(cli.stderr, note);
  assert.deepEqual(bundleShape(out), expected);
  const positions = readJsonLines<LogRecord>(join(out, "records.jsonl")).map((r) => r.log_pos);
  assert.equal(new Set(positions).size, positions.length, "each kernel line once");
  assert.match(readFileSync(join(out, "summary.md"), "utf8"), /^\| Records \| 400 INVALID lines \|$/m);
});

test("--shard that is not K/N is refused before any host is touched", async () => {
  const cli = await runCli(["status", "--shard", "5/4", ...fleetArgs(fleet)], { json: false });
  assert.equal(cli.code, 1, cli.stderr);
  assert.equal(cli.stderr.trim(), 'nfdebug: --shard: "5/4": K must be between 1 and 4');
});
