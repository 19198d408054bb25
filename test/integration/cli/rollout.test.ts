// Issue 8's rollout controls on 20 namespace hosts, through the real CLI over real SSH: --serial as
// a sliding window, --max-fail with hosts made unreachable (changed hosts reverted, or kept with
// --keep-on-abort), --canary with and without --yes, and the final table of failed hosts.
// Kernel values are read inside the hosts (sysctl), never through nfdebug.
import { after, afterEach, before, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startFleet, type Fleet, type FleetHost } from "../../fleet/netns.js";
import { runCli, startCli, type CliResult, type HostJson } from "../../support/cli.js";
import {
  applyScriptArrived,
  assertValues,
  fleetArgs,
  fleetValues,
  forgetApplyArrival,
  holdLock,
  journalDir,
  releaseLock,
  sleep,
  startTripwire,
  waitFor,
  windowHeader,
  writeInventoryVariant,
  writeProfile,
  type KnobValues,
  revertOpenWindows,
  stopFleet,
} from "./fleetProbe.js";

let fleet: Fleet;
let dir: string;
let profile: string;
let original: KnobValues;
const cutHosts = new Set<FleetHost>();

before(async () => {
  dir = mkdtempSync(join(tmpdir(), "nfd-cli-rollout-"));
  fleet = await startFleet({ count: 20 });
  profile = writeProfile(dir, "cli-tcp", "log_invalid: tcp\nnf_log:\n  ipv6: NONE\nwindow: 10m\n");
  original = (await fleetValues(fleet)).get("h001")!;
  await assertValues(fleet, fleet.hosts, original, "fresh hosts are alike");
});

// Every test starts from a fleet with all hosts reachable, unlocked and without windows.
afterEach(async () => {
  for (const h of cutHosts) await fleet.restore(h);
  cutHosts.clear();
  for (const h of fleet.hosts) releaseLock(h);
  await revertOpenWindows(fleet);
});

after(() => stopFleet(fleet, dir));

const applied = (): KnobValues => ({
  ...original,
  "net.netfilter.nf_conntrack_log_invalid": "6",
  "net.netfilter.nf_log.10": "NONE",
});
const names = (hosts: FleetHost[]) => hosts.map((h) => h.name);
const outcome = (run: CliResult, host: FleetHost): HostJson =>
  run.json!.hosts.find((o) => o.host === host.name)!;

async function cut(host: FleetHost): Promise<void> {
  cutHosts.add(host);
  await fleet.cutOff(host);
}

test("--serial 25% (5 of 20): at most 5 hosts in flight, and the next starts as soon as one finishes", async () => {
  // Every host's lock is held: an apply that reaches a host waits there, so the hosts in flight
  // can be counted. nfd_lock waits 10 s: release well before.
  for (const h of fleet.hosts) {
    forgetApplyArrival(h);
    holdLock(h);
  }
  const arrived = () => fleet.hosts.filter(applyScriptArrived);
  const run = startCli(["apply", profile, "--serial", "25%", ...fleetArgs(fleet)]);
  try {
    await waitFor("5 applies in flight", () => arrived().length >= 5);
    await sleep(400);
    assert.deepEqual(
      names(arrived()),
      ["h001", "h002", "h003", "h004", "h005"],
      "exactly the first 5, and no more",
    );

    releaseLock(fleet.host("h001"));
    await waitFor("a 6th host to start", () => arrived().length >= 6);
    await sleep(300);
    assert.deepEqual(
      names(arrived()),
      ["h001", "h002", "h003", "h004", "h005", "h006"],
      "one finished, one more started",
    );
  } finally {
    for (const h of fleet.hosts) releaseLock(h);
  }
  const result = await run.done;
  assert.equal(result.code, 0, result.stderr);
  assert.deepEqual(result.json!.summary, { ok: 20, changed: 20, failed: 0 });
  await assertValues(fleet, fleet.hosts, applied(), "every host applied");
});

test("--max-fail 0 with 3 hosts unreachable: no new host is touched and the hosts changed in this run are reverted", async () => {
  const unreachable = [fleet.host("h003"), fleet.host("h010"), fleet.host("h017")];
  for (const h of unreachable) await cut(h);
  const run = await runCli(["apply", profile, "--serial", "5", "--max-fail", "0", ...fleetArgs(fleet)]);
  assert.equal(run.code, 2, run.stderr);
  assert.match(run.json!.aborted!, /more than 0 host\(s\) failed/);
  assert.match(run.stderr, /rollout stopped: more than 0 host\(s\) failed/);

  assert.equal(outcome(run, fleet.host("h003")).error?.kind, "unreachable");
  // The rollout stopped in the first batch: from some host on, nothing was started.
  const firstNotStarted = fleet.hosts.findIndex((h) => outcome(run, h).error?.kind === "aborted");
  assert.ok(
    firstNotStarted >= 0 && firstNotStarted <= 7,
    `stopped early, first not started: ${firstNotStarted}`,
  );
  for (const h of fleet.hosts.slice(firstNotStarted)) {
    assert.equal(outcome(run, h).error?.kind, "aborted", h.name);
    assert.match(outcome(run, h).error!.message, /^not started: more than 0 host\(s\) failed/);
  }
  const changed = fleet.hosts.filter((h) => outcome(run, h).changed);
  assert.ok(changed.length >= 1, "hosts in flight when h003 failed completed");
  assert.deepEqual(
    names(fleet.hosts.slice(0, firstNotStarted)),
    names(fleet.hosts.filter((h) => h.name === "h003" || changed.includes(h))),
    "before that: h003 and hosts changed in this run",
  );
  for (const h of changed) assert.equal(outcome(run, h).reverted_on_abort, true, `${h.name} reverted`);

  await assertValues(fleet, fleet.hosts, original, "every host is as it was");
  for (const h of fleet.hosts) assert.equal(windowHeader(h), null, `${h.name}: no window`);
});

test("--max-fail 10% --keep-on-abort: the third failure stops the rollout and changed hosts keep their window", async () => {
  const unreachable = [fleet.host("h003"), fleet.host("h008"), fleet.host("h013")];
  for (const h of unreachable) await cut(h);
  const run = await runCli([
    "apply",
    profile,
    "--serial",
    "5",
    "--max-fail",
    "10%",
    "--keep-on-abort",
    ...fleetArgs(fleet),
  ]);
  assert.equal(run.code, 2, run.stderr);
  assert.match(run.json!.aborted!, /more than 2 host\(s\) failed/);
  for (const h of unreachable) assert.equal(outcome(run, h).error?.kind, "unreachable", h.name);

  const changed = fleet.hosts.filter((h) => outcome(run, h).changed);
  const notStarted = fleet.hosts.filter((h) => outcome(run, h).error?.kind === "aborted");
  assert.ok(names(changed).includes("h012"), "hosts before the third failure were changed");
  assert.ok(notStarted.length >= 3, `hosts after it were not started, got ${names(notStarted)}`);
  assert.equal(changed.length + notStarted.length + unreachable.length, 20);
  for (const h of changed) assert.equal(outcome(run, h).reverted_on_abort, undefined, `${h.name} kept`);

  await assertValues(fleet, changed, applied(), "kept applied (--keep-on-abort)");
  for (const h of changed)
    assert.equal(windowHeader(h)?.id, run.json!.window, `${h.name}: its window stays open`);
  await assertValues(fleet, [...notStarted, ...unreachable], original, "never touched");
});

test("--canary 2 --yes: the canaries finish first, then the rollout proceeds to every host", async () => {
  const run = await runCli(["apply", profile, "--canary", "2", "--yes", ...fleetArgs(fleet)]);
  assert.equal(run.code, 0, run.stderr);
  assert.deepEqual(run.json!.summary, { ok: 20, changed: 20, failed: 0 });
  await assertValues(fleet, fleet.hosts, applied(), "every host applied");
  // The canaries' windows were committed before any other host received its apply script.
  const mtime = (file: string) => statSync(file).mtimeMs;
  const canariesDone = Math.max(...fleet.hosts.slice(0, 2).map((h) => mtime(join(journalDir(h), "window"))));
  // start.out: the window's log start, written right after the apply took the host's lock.
  const started = (h: FleetHost) =>
    mtime(join(h.dir, "var-lib", "nfdebug", "windows", run.json!.window!, "start.out"));
  const othersBegan = Math.min(...fleet.hosts.slice(2).map(started));
  assert.ok(canariesDone < othersBegan, `canaries done at ${canariesDone}, others began at ${othersBegan}`);
});

test("--canary without --yes and without a terminal is refused: exit 1, no host touched", async () => {
  const tripwire = await startTripwire();
  try {
    const inventory = writeInventoryVariant(fleet, join(dir, "inventory.tripwire.yaml"), (hosts) => {
      hosts.unshift({ name: "tripwire", address: "127.0.0.1", port: tripwire.port, groups: ["fleet"] });
    });
    const run = await runCli(["apply", profile, "--canary", "2", ...fleetArgs(fleet, inventory)]);
    assert.equal(run.code, 1, run.stderr);
    assert.match(run.stderr, /--canary asks for confirmation on a terminal; add --yes/);
    assert.equal(run.stdout, "");
    assert.equal(tripwire.connections(), 0, "no connection was made");
  } finally {
    await tripwire.close();
  }
  await assertValues(fleet, fleet.hosts, original, "nothing touched");
  for (const h of fleet.hosts) assert.equal(windowHeader(h), null);
});

test("human output ends with a table of the failed hosts and their error kinds", async () => {
  await cut(fleet.host("h005"));
  // h012's key is missing from this known_hosts: refused with kind hostkey.
  const knownHosts = join(dir, "known_hosts.missing-h012");
  const lines = readFileSync(fleet.knownHostsFile, "utf8").split("\n").filter(Boolean);
  writeFileSync(
    knownHosts,
    `${lines.filter((l) => !l.startsWith(`[127.0.0.1]:${fleet.host("h012").port} `)).join("\n")}\n`,
  );
  const run = await runCli(["apply", profile, ...fleetArgs(fleet, fleet.inventoryFile, knownHosts)], {
    json: false,
  });
  assert.equal(run.code, 2, run.stderr);
  const table = run.stderr.trimEnd().split("\n");
  const start = table.indexOf("failed hosts (2):");
  assert.ok(start >= 0, run.stderr);
  assert.match(table[start + 1], /^HOST\s+KIND\s+MESSAGE$/);
  assert.match(
    table[start + 2],
    /^h005\s+unreachable\s+h005: cannot connect to 127\.0\.0\.1:\d+: connection refused/,
  );
  assert.match(table[start + 3], /^h012\s+hostkey\s+h012: .*SHA256:/);
  assert.equal(table.length, start + 4, "the table comes last");
  // Columns line up.
  assert.equal(table[start + 1].indexOf("KIND"), table[start + 2].indexOf("unreachable"));
  assert.equal(table[start + 1].indexOf("MESSAGE"), table[start + 3].indexOf("h012: "));
  assert.match(run.stdout, /^apply: 18 ok, 18 changed, 2 failed$/m);
  assert.match(run.stdout, /^h001: window \S+ open until /m);
});
