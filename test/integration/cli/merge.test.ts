// Issue 18 on 4 namespace hosts, through the real CLI: the shipped tcp-invalid-triage runbook once
// over all of them, and in two shards (--limit h001,h002 and h003,h004) whose bundles
// `nfdebug merge` joins. The merged bundle has the single run's hosts, steps, counters and records
// per reason, each host's files, and a report over all four hosts.
//
// The hosts share one kernel log, so which host a line is counted for is whichever delivered it
// first (sharedKernel.ts): per-host record counts differ between a run and its shards by design.
// What is per host and deterministic is the conntrack counters (each namespace counts its own 10
// INVALID packets); records are compared per reason, fleet-wide. Assumes no other test makes
// INVALID lines on this machine at the same time (as runbook.test.ts does).
import { after, afterEach, before, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { startFleet, type Fleet } from "../../fleet/netns.js";
import { runCli, type CliResult } from "../../support/cli.js";
import type { LogRecord } from "../../../src/logs/record.js";
import type { BundleManifest } from "../../../src/report/bundle.js";
import { fleetArgs, revertOpenWindows, stopFleet } from "./fleetProbe.js";
import { readJsonLines } from "./collectProbe.js";
import { bundleShape as shape, json } from "./bundleShape.js";

const REPO = fileURLToPath(new URL("../../../../", import.meta.url));
const RUNBOOK = join(REPO, "playbooks", "runbooks", "tcp-invalid-triage.yaml");
const HOSTS = ["h001", "h002", "h003", "h004"];

let fleet: Fleet;
let dir: string;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), "nfd-cli-merge-"));
  fleet = await startFleet({ count: HOSTS.length, allNetnsLogging: true });
});

// A failed test must not leave windows open for the next one.
afterEach(async () => {
  await revertOpenWindows(fleet);
});

after(() => stopFleet(fleet, dir));

async function run(out: string, ...extra: string[]): Promise<void> {
  const cli = await runCli(["run", RUNBOOK, "--out", out, ...extra, ...fleetArgs(fleet)], {
    timeoutMs: 300_000,
  });
  assert.equal(cli.code, 0, `run ${extra.join(" ")}: ${cli.stderr}`);
}

const merge = (...args: string[]): Promise<CliResult> => runCli(["merge", ...args], { json: false });
test("tcp-invalid-triage over 4 hosts, and its two shards merged: the same hosts, steps, counters and records per reason", async () => {
  const whole = join(dir, "whole");
  const [a, b] = [join(dir, "a"), join(dir, "b")];
  await run(whole);
  await run(a, "-l", "h001,h002");
  await run(b, "-l", "h003,h004");
  const out = join(dir, "merged");
  const cli = await merge(a, b, "--out", out);
  assert.equal(cli.code, 0, cli.stderr);
  assert.equal(
    cli.stdout,
    `merged 2 bundle(s), 4 host(s); bundle: ${out}\nsummary: ${join(out, "summary.md")}\nreport: ${join(out, "report.html")}\n`,
  );

  const expected = shape(whole);
  assert.deepEqual(expected.perReason, { "tcp.invalid_flags": 40 }, "4 hosts × 5 SYN+RST × 2 lines");
  assert.deepEqual(
    expected.counters.map(([host, , invalid]) => [host, invalid]),
    HOSTS.map((h) => [h, 10]),
  );
  assert.deepEqual(shape(out), expected);

  // Each shard's per-host files, all of them; records and raw lines as many as records.jsonl.
  const merged = readJsonLines<LogRecord>(join(out, "records.jsonl"));
  const perHost = readdirSync(join(out, "records")).flatMap((f) => readJsonLines(join(out, "records", f)));
  assert.equal(perHost.length, merged.length);
  const raw = readdirSync(join(out, "raw")).flatMap((f) =>
    readFileSync(join(out, "raw", f), "utf8")
      .split("\n")
      .slice(0, -1),
  );
  assert.equal(raw.length, merged.length);
  // Each record keeps the window it was collected in: the shards ran two windows (the hosts share
  // one kernel log, so which of a shard's hosts delivered a line is the first one's business).
  const windowsOf = (records: LogRecord[]) =>
    records.reduce((m, r) => m.set(r.window_id!, (m.get(r.window_id!) ?? 0) + 1), new Map<string, number>());
  const shards = [a, b].map((s) => windowsOf(readJsonLines<LogRecord>(join(s, "records.jsonl"))));
  assert.deepEqual(
    shards.map((m) => m.size),
    [1, 1],
    "one window per shard",
  );
  assert.notDeepEqual([...shards[0].keys()], [...shards[1].keys()]);
  assert.deepEqual(windowsOf(merged), new Map([...shards[0], ...shards[1]]));
  for (const h of HOSTS)
    assert.match(readFileSync(join(out, "exec", `step2-${h}.log`), "utf8"), /^sent 5 SYN\+RST segments/m, h);

  const manifest = json<BundleManifest>(join(out, "manifest.json"));
  assert.deepEqual(
    manifest.mergedFrom?.map((m) => [m.path, m.hosts]),
    [
      [a, ["h001", "h002"]],
      [b, ["h003", "h004"]],
    ],
  );
  assert.deepEqual(manifest.commandLine?.slice(1), ["merge", a, b, "--out", out]);
  assert.deepEqual([manifest.format, manifest.recordSchema], [3, 2]);
  assert.deepEqual(
    manifest.inventoryHosts?.map((h) => h.name),
    HOSTS,
  );
  assert.deepEqual(Object.keys(json(join(out, "facts-before.json"))).sort(), HOSTS);
  const { window: wa } = json<BundleManifest>(join(a, "manifest.json"));
  const { window: wb } = json<BundleManifest>(join(b, "manifest.json"));
  assert.deepEqual(
    manifest.window,
    { startedAt: wa!.startedAt, endedAt: wb!.endedAt },
    "both shards' windows",
  );

  // One report over all four hosts, as the single run's says it.
  const md = readFileSync(join(out, "summary.md"), "utf8");
  assert.match(md, /^\| Records \| 40 INVALID lines \|$/m);
  assert.match(readFileSync(join(whole, "summary.md"), "utf8"), /^\| Records \| 40 INVALID lines \|$/m);
  for (const h of HOSTS) assert.ok(md.includes(`\n| \`${h}\` |`), `${h}: a row in summary.md`);
  assert.ok(readFileSync(join(out, "report.html"), "utf8").includes("tcp.invalid_flags"));
});

test("merge refuses a host in two bundles and a folder that is no bundle: exit 1, naming them, nothing written", async () => {
  const [a, b] = [join(dir, "a"), join(dir, "whole")];
  assert.ok(
    existsSync(join(a, "manifest.json")) && existsSync(join(b, "manifest.json")),
    "the first test's bundles",
  );
  const out = join(dir, "refused");
  const twice = await merge(a, b, "--out", out);
  assert.equal(twice.code, 1, twice.stderr);
  assert.match(twice.stderr, new RegExp(`^nfdebug: host h001 is in both ${a} and ${b}`, "m"));
  assert.match(twice.stderr, new RegExp(`^host h002 is in both ${a} and ${b}`, "m"));

  const notBundle = join(dir, "not-a-bundle");
  mkdirSync(notBundle);
  const none = await merge(a, notBundle, "--out", out);
  assert.equal(none.code, 1, none.stderr);
  assert.match(
    none.stderr,
    new RegExp(`^nfdebug: ${join(notBundle, "manifest.json")}:1:1: cannot read: ENOENT`),
  );
  assert.equal(existsSync(out), false);
});
