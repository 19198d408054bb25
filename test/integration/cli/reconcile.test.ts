// Issue 4 on 20 namespace hosts, through the real CLI over real SSH: apply, a second apply that
// changes nothing, exact revert, and the failure cases, each leaving the failed host as it was.
// Kernel values are read inside the hosts (sysctl), never through nfdebug.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startFleet, type Fleet, type FleetHost } from "../../fleet/netns.js";
import { runCli, startCli, type CliResult, type FleetJson, type HostJson } from "../../support/cli.js";
import {
  applyScriptArrived,
  assertValues,
  busyProcesses,
  fleetArgs,
  fleetValues,
  forgetApplyArrival,
  holdLock,
  hostProcesses,
  journalLeftovers,
  knobValues,
  releaseLock,
  sleep,
  startTripwire,
  waitFor,
  windowHeader,
  writeInventoryVariant,
  writeProfile,
  type KnobValues,
  stopFleet,
} from "./fleetProbe.js";

let fleet: Fleet;
let dir: string;
let tcpProfile: string;
/** Every host's values before any test touched them (all equal on fresh namespaces). */
let original: KnobValues;
const APPLIED: Partial<KnobValues> = {
  "net.netfilter.nf_conntrack_log_invalid": "6",
  "net.netfilter.nf_log.10": "NONE",
};

before(async () => {
  dir = mkdtempSync(join(tmpdir(), "nfd-cli-reconcile-"));
  fleet = await startFleet({ count: 20 });
  tcpProfile = writeProfile(dir, "cli-tcp", "log_invalid: tcp\nnf_log:\n  ipv6: NONE\nwindow: 10m\n");
  const values = await fleetValues(fleet);
  original = values.get("h001")!;
  assert.equal(original["net.netfilter.nf_conntrack_log_invalid"], "0");
  assert.notEqual(original["net.netfilter.nf_log.10"], "NONE", "the profile must change nf_log.10");
  for (const [host, v] of values) assert.deepEqual(v, original, `${host} starts like the others`);
});

after(() => stopFleet(fleet, dir));

const applied = (): KnobValues => ({ ...original, ...APPLIED });
const byHost = (json: FleetJson | undefined): Map<string, HostJson> =>
  new Map(json!.hosts.map((h) => [h.host, h]));
const others = (bad: FleetHost[]) => fleet.hosts.filter((h) => !bad.includes(h));

function assertShape(json: FleetJson | undefined, command: string): asserts json is FleetJson {
  assert.ok(json, "stdout is JSON");
  assert.equal(json.command, command);
  assert.deepEqual(Object.keys(json.summary).sort(), ["changed", "failed", "ok"]);
  for (const h of json.hosts) {
    for (const key of ["host", "ok", "changed", "changes", "error"])
      assert.ok(key in h, `${h.host} has ${key}`);
    for (const c of h.changes)
      for (const key of ["knob", "key", "from", "to"])
        assert.equal(typeof c[key as keyof typeof c], "string");
    if (h.error !== null) assert.deepEqual(Object.keys(h.error).sort(), ["kind", "message"]);
  }
  assert.equal(json.summary.ok, json.hosts.filter((h) => h.ok).length);
  assert.equal(json.summary.failed, json.hosts.filter((h) => !h.ok).length);
  assert.equal(json.summary.changed, json.hosts.filter((h) => h.changed).length);
}

/** The knob part of each host's facts: what must be the same before apply and after revert. */
async function factsSnapshot(): Promise<Map<string, unknown>> {
  const run = await runCli(["facts", ...fleetArgs(fleet)]);
  assert.equal(run.code, 0, run.stderr);
  assertShape(run.json, "facts");
  assert.equal(run.json.hosts.length, 20);
  return new Map(
    run.json.hosts.map((h) => {
      const facts = h.facts as { sysctl: Record<string, string>; loggers: unknown; window: unknown };
      // The connection count is traffic, not a knob.
      const sysctl = { ...facts.sysctl };
      delete sysctl.nf_conntrack_count;
      return [h.host, { sysctl, loggers: facts.loggers, window: facts.window }];
    }),
  );
}

async function revertAll(): Promise<CliResult> {
  const run = await runCli(["revert", ...fleetArgs(fleet)]);
  assert.equal(run.code, 0, `revert: ${run.stderr}`);
  await assertValues(fleet, fleet.hosts, original, "back to the original after revert");
  for (const h of fleet.hosts) assert.equal(windowHeader(h), null, `${h.name}: no window left open`);
  return run;
}

/** The failed host reports `kind`, is untouched; every other host completed the apply. */
async function assertOneFailed(run: CliResult, bad: FleetHost, kind: string): Promise<HostJson> {
  assert.equal(run.code, 2, run.stderr);
  assertShape(run.json, "apply");
  const outcome = byHost(run.json).get(bad.name)!;
  assert.equal(outcome.ok, false);
  assert.equal(outcome.changed, false);
  assert.deepEqual(outcome.changes, []);
  assert.equal(outcome.error?.kind, kind, outcome.error?.message);
  assert.deepEqual(run.json.summary, { ok: 19, changed: 19, failed: 1 });
  assert.deepEqual(await knobValues(fleet, bad), original, `${bad.name} is as it was`);
  assert.equal(windowHeader(bad), null, `${bad.name} has no window`);
  await assertValues(fleet, others([bad]), applied(), "the other hosts completed");
  return outcome;
}

test("apply sets the values on 20 hosts, a second apply changes nothing, revert restores the facts exactly", async () => {
  const before = await factsSnapshot();
  for (const facts of before.values()) assert.equal((facts as { window: unknown }).window, null);

  const first = await runCli(["apply", tcpProfile, "--for", "10m", ...fleetArgs(fleet)]);
  assert.equal(first.code, 0, first.stderr);
  assertShape(first.json, "apply");
  assert.match(first.json.window!, /^\d{8}T\d{6}-[0-9a-f]{4}$/);
  assert.deepEqual(first.json.summary, { ok: 20, changed: 20, failed: 0 });
  for (const h of first.json.hosts) {
    assert.equal(h.error, null);
    assert.equal(h.window, first.json.window);
    assert.deepEqual(h.changes, [
      {
        knob: "nf_log",
        key: "net.netfilter.nf_log.10",
        from: original["net.netfilter.nf_log.10"],
        to: "NONE",
      },
      { knob: "log_invalid", key: "net.netfilter.nf_conntrack_log_invalid", from: "0", to: "6" },
    ]);
  }
  await assertValues(fleet, fleet.hosts, applied(), "applied");

  const second = await runCli(["apply", tcpProfile, ...fleetArgs(fleet)]);
  assert.equal(second.code, 0, second.stderr);
  assertShape(second.json, "apply");
  assert.deepEqual(second.json.summary, { ok: 20, changed: 0, failed: 0 });
  for (const h of second.json.hosts) assert.deepEqual(h.changes, [], `${h.host}: zero changes`);
  await assertValues(fleet, fleet.hosts, applied(), "still applied");

  const reverted = await revertAll();
  assertShape(reverted.json, "revert");
  assert.deepEqual(reverted.json.summary, { ok: 20, changed: 20, failed: 0 });
  for (const h of reverted.json.hosts) assert.equal(h.changes.length, 2, `${h.host} restored both values`);

  assert.deepEqual(await factsSnapshot(), before, "facts after revert equal the facts before apply");
  for (const h of fleet.hosts) assert.deepEqual(journalLeftovers(h), [], `${h.name}: the journal is removed`);
});

test("a host whose key is not in known_hosts is refused (hostkey, SHA256 fingerprint); nothing runs there", async () => {
  const bad = fleet.host("h007");
  const knownHosts = join(dir, "known_hosts.missing-h007");
  const lines = readFileSync(fleet.knownHostsFile, "utf8").split("\n").filter(Boolean);
  writeFileSync(knownHosts, `${lines.filter((l) => !l.startsWith(`[127.0.0.1]:${bad.port} `)).join("\n")}\n`);
  const run = await runCli(["apply", tcpProfile, ...fleetArgs(fleet, fleet.inventoryFile, knownHosts)]);
  const outcome = await assertOneFailed(run, bad, "hostkey");
  assert.ok(outcome.error!.message.includes(bad.hostKeyFingerprint), outcome.error!.message);
  assert.match(outcome.error!.message, /SHA256:/);
  assert.match(outcome.error!.message, /ed25519/i);
  assert.match(outcome.error!.message, /h007/);
  await revertAll();
});

test("a host that refuses the user key fails with kind auth and is left as it was", async () => {
  const bad = fleet.host("h008");
  const wrongKey = join(dir, "wrong_key");
  execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", "not-authorized", "-f", wrongKey]);
  const inventory = writeInventoryVariant(fleet, join(dir, "inventory.wrong-key.yaml"), (hosts) => {
    hosts.find((h) => h.name === bad.name)!.identity = wrongKey;
  });
  const run = await runCli(["apply", tcpProfile, ...fleetArgs(fleet, inventory)]);
  const outcome = await assertOneFailed(run, bad, "auth");
  assert.match(outcome.error!.message, /authentication failed for user root/);
  await revertAll();
});

test("an unreachable port fails with kind unreachable; the others complete", async () => {
  const bad = fleet.host("h009");
  await fleet.cutOff(bad);
  try {
    const run = await runCli(["apply", tcpProfile, ...fleetArgs(fleet)]);
    const outcome = await assertOneFailed(run, bad, "unreachable");
    assert.match(outcome.error!.message, /connection refused/i);
  } finally {
    await fleet.restore(bad);
  }
  await revertAll();
});

test("nf_log_all_netns: true is unsupported on namespace hosts: every host fails and nothing is written", async () => {
  const profile = writeProfile(dir, "cli-all-netns", "log_invalid: tcp\nnf_log_all_netns: true\n");
  const run = await runCli(["apply", profile, ...fleetArgs(fleet)]);
  assert.equal(run.code, 2, run.stderr);
  assertShape(run.json, "apply");
  assert.deepEqual(run.json.summary, { ok: 0, changed: 0, failed: 20 });
  for (const h of run.json.hosts) {
    assert.equal(h.error?.kind, "unsupported");
    assert.match(h.error!.message, /nf_log_all_netns is unavailable/);
  }
  await assertValues(fleet, fleet.hosts, original, "nothing was written, log_invalid included");
  for (const h of fleet.hosts) assert.equal(windowHeader(h), null);
});

test("a host whose sshd is killed mid-apply ends up as it was and reports unreachable; the others complete", async (t) => {
  const bad = fleet.host("h010");
  forgetApplyArrival(bad);
  // The lock holds the apply script on the host after it arrived and before it changes anything.
  holdLock(bad);
  const run = startCli(["apply", tcpProfile, ...fleetArgs(fleet)]);
  try {
    await waitFor("the apply script to arrive on h010", () => applyScriptArrived(bad));
    assert.ok((await fleet.killSshd(bad)) >= 1, "an sshd was killed");
    // The orphaned script now races the controller's cancel for the lock: either order must end
    // with the host as it was.
    await sleep(300);
  } finally {
    releaseLock(bad);
  }
  const result = await run.done;
  const outcome = await assertOneFailed(result, bad, "unreachable");
  assert.match(outcome.error!.message, /connection lost during apply; reconnected/);
  assert.match(outcome.error!.message, /reverted window \S+ there: nothing left changed|had not begun there/);
  t.diagnostic(outcome.error!.message);
  if (/reverted window/.test(outcome.error!.message)) {
    const status = await runCli(["status", ...fleetArgs(fleet), "-l", bad.name]);
    assert.equal(
      (status.json!.hosts[0].last as { how: string }).how,
      "cancelled",
      "status tells how it ended",
    );
  }
  // The orphan may finish after the CLI: wait until nothing runs on the host any more.
  await waitFor("h010 to be idle", () => hostProcesses(bad).length === 0);
  assert.deepEqual(await knobValues(fleet, bad), original);
  assert.equal(windowHeader(bad), null);
  assert.deepEqual(journalLeftovers(bad), [], "no lock, journal or cancel mark left");
  await revertAll();
});

test("sshd killed at any moment of the apply: each host is either applied and ok, or failed and as it was", async (t) => {
  const victims = fleet.hosts.slice(0, 10);
  const run = startCli(["apply", tcpProfile, ...fleetArgs(fleet)]);
  // Spread the kills over every phase, timed from what the host shows (a busy machine shifts
  // nothing): victims 1-5 die 0-160 ms after their sshd appeared (handshake, facts), victims 6-10
  // 0-32 ms after the apply script arrived (the apply itself, the commit, the report).
  for (const h of victims) forgetApplyArrival(h);
  let exited = false;
  void run.done.then(() => (exited = true));
  await Promise.all(
    victims.map(async (h, i) => {
      if (i < 5) {
        while (!exited && !hostProcesses(h).some((c) => c.includes("sshd"))) await sleep(10);
        await sleep(i * 40);
      } else {
        while (!exited && !applyScriptArrived(h)) await sleep(2);
        await sleep((i - 5) * 8);
      }
      await fleet.killSshd(h);
    }),
  );
  const result = await run.done;
  assert.ok(result.code === 0 || result.code === 2, result.stderr);
  assertShape(result.json, "apply");
  for (const h of fleet.hosts) await waitFor(`${h.name} to be idle`, () => busyProcesses(h).length === 0);
  const values = await fleetValues(fleet);
  const failedKinds: string[] = [];
  for (const outcome of result.json.hosts) {
    const host = fleet.host(outcome.host);
    if (outcome.ok) {
      assert.deepEqual(values.get(host.name), applied(), `${host.name} reported ok: applied`);
      assert.notEqual(windowHeader(host), null);
    } else {
      failedKinds.push(outcome.error!.kind);
      assert.ok(victims.includes(host), `${host.name} was not a victim: ${outcome.error?.message}`);
      assert.deepEqual(
        values.get(host.name),
        original,
        `${host.name} failed (${outcome.error?.message}): as it was`,
      );
      assert.equal(windowHeader(host), null, `${host.name} failed: no window`);
      // Killed after the controller sent the apply script but before the host ran it: the cancel
      // leaves a mark that stops that apply should it still arrive (dropped after a minute).
      const notBegun = /had not begun there/.test(outcome.error!.message);
      assert.deepEqual(
        journalLeftovers(host),
        notBegun ? [`cancelled.${result.json.window}`] : [],
        `${host.name}: nothing left in the journal (${outcome.error!.message})`,
      );
    }
  }
  for (const kind of failedKinds) assert.ok(["unreachable", "timeout"].includes(kind), kind);
  for (const o of result.json.hosts.filter((h) => !h.ok)) t.diagnostic(`${o.host}: ${o.error!.message}`);
  assert.ok(result.json.summary.ok >= 10, "the hosts nobody touched completed");
  await revertAll();
});

test("an invalid profile exits 1 before any SSH connection is made", async () => {
  const tripwire = await startTripwire();
  try {
    const inventory = writeInventoryVariant(fleet, join(dir, "inventory.tripwire.yaml"), (hosts) => {
      hosts.unshift({ name: "tripwire", address: "127.0.0.1", port: tripwire.port, groups: ["fleet"] });
    });
    const profile = writeProfile(dir, "cli-bad", "log_invalid: tcpp\nnf_log:\n  ipv9: nf_log_ipv4\n");
    const run = await runCli(["apply", profile, ...fleetArgs(fleet, inventory)]);
    assert.equal(run.code, 1, run.stderr);
    assert.match(run.stderr, /cli-bad\.yaml:4:\d+: /, "the problem is located FILE:LINE:COL");
    assert.equal(run.stdout, "", "no result printed");
    assert.equal(tripwire.connections(), 0, "no connection was made");
    await assertValues(fleet, fleet.hosts, original, "nothing touched");
  } finally {
    await tripwire.close();
  }
});

test("conntrack acct, timestamp and events: applied in each host's namespace and reverted exactly (kernel truth)", async () => {
  const CT = [
    "net.netfilter.nf_conntrack_acct",
    "net.netfilter.nf_conntrack_timestamp",
    "net.netfilter.nf_conntrack_events",
  ];
  const read = async (h: FleetHost) => (await fleet.nsExec(h, ["sysctl", "-n", ...CT])).trim().split("\n");
  const initial = () => CT.map((k) => readFileSync(`/proc/sys/${k.replaceAll(".", "/")}`, "utf8").trim());
  const initialBefore = initial();
  const before = await Promise.all(fleet.hosts.map(read));
  for (const b of before) assert.deepEqual(b, ["0", "0", "2"], "fresh namespaces: the 6.18 defaults");
  const profile = writeProfile(
    dir,
    "cli-ct",
    "conntrack:\n  acct: true\n  timestamp: true\n  events: 1\nwindow: 10m\n",
  );
  const run = await runCli(["apply", profile, ...fleetArgs(fleet), "--json"]);
  assert.equal(run.code, 0, run.stderr);
  assertShape(run.json, "apply");
  for (const h of run.json.hosts)
    assert.deepEqual(
      h.changes.map((c) => [c.knob, c.key, c.from, c.to]),
      [
        ["conntrack", CT[0], "0", "1"],
        ["conntrack", CT[1], "0", "1"],
        ["conntrack", CT[2], "2", "1"],
      ],
      h.host,
    );
  for (const h of fleet.hosts) assert.deepEqual(await read(h), ["1", "1", "1"], `${h.name}: applied`);
  assert.deepEqual(initial(), initialBefore, "the initial namespace is untouched");
  const revert = await runCli(["revert", ...fleetArgs(fleet), "--json"]);
  assert.equal(revert.code, 0, revert.stderr);
  for (const h of revert.json!.hosts)
    assert.deepEqual(
      h.changes.map((c) => [c.knob, c.key, c.to]).sort(),
      CT.map((k, i) => ["conntrack", k, before[0][i]]).sort(),
      h.host,
    );
  const after = await Promise.all(fleet.hosts.map(read));
  assert.deepEqual(after, before, "every host reads exactly what it read before");
  for (const h of fleet.hosts) assert.equal(windowHeader(h), null, `${h.name}: no window left open`);
  await assertValues(fleet, fleet.hosts, original, "the other knobs untouched");
});
