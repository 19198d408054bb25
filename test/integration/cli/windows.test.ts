// Issue 5 on 20 namespace hosts, through the real CLI over real SSH: windows that end on time with
// no controller (SIGKILLed mid-command, or the host cut off at expiry), extend, early revert with
// the watchdog gone, refusal of a second window, and two controllers racing for the same hosts.
// Kernel values are read inside the hosts (sysctl), never through nfdebug.
import { after, afterEach, before, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { startFleet, type Fleet, type FleetHost } from "../../fleet/netns.js";
import { runCli, startCli, type CliResult, type FleetJson } from "../../support/cli.js";
import {
  applyScriptArrived,
  assertValues,
  busyProcesses,
  fleetArgs,
  fleetValues,
  forgetApplyArrival,
  holdLock,
  releaseLock,
  sleep,
  waitFor,
  watchdogs,
  waitForWatchdogsGone,
  openedEvent,
  windowHeader,
  windowHistory,
  writeProfile,
  type KnobValues,
  revertOpenWindows,
  stopFleet,
} from "./fleetProbe.js";

const LOG_INVALID = "net.netfilter.nf_conntrack_log_invalid";

let fleet: Fleet;
let dir: string;
let tcpProfile: string;
let udpProfile: string;
let original: KnobValues;
/** How late after its expiry a host may revert (the watchdog checks every 2 s; this machine is busy). */
const GRACE_S = 6;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), "nfd-cli-windows-"));
  fleet = await startFleet({ count: 20 });
  tcpProfile = writeProfile(dir, "cli-tcp", "log_invalid: tcp\nnf_log:\n  ipv6: NONE\n");
  udpProfile = writeProfile(dir, "cli-udp", "log_invalid: udp\n");
  original = (await fleetValues(fleet)).get("h001")!;
  await assertValues(fleet, fleet.hosts, original, "fresh hosts are alike");
});

// A failed test must not leave windows open for the next one.
afterEach(async () => {
  for (const h of fleet.hosts) releaseLock(h);
  await revertOpenWindows(fleet);
});

after(() => stopFleet(fleet, dir));

const tcpApplied = (): KnobValues => ({ ...original, [LOG_INVALID]: "6", "net.netfilter.nf_log.10": "NONE" });
const udpApplied = (): KnobValues => ({ ...original, [LOG_INVALID]: "17" });

async function apply(profile: string, ...extra: string[]): Promise<FleetJson> {
  const run = await runCli(["apply", profile, ...extra, ...fleetArgs(fleet)]);
  assert.equal(run.code, 0, run.stderr);
  assert.deepEqual(run.json!.summary, { ok: 20, changed: 20, failed: 0 });
  return run.json!;
}

async function status(): Promise<CliResult> {
  const run = await runCli(["status", ...fleetArgs(fleet)]);
  assert.equal(run.code, 0, run.stderr);
  return run;
}

/** Every host (of `hosts`): no open window, and the last one (`window`) ended `how`. */
async function assertEnded(window: string, how: string, hosts: FleetHost[] = fleet.hosts): Promise<void> {
  const run = await status();
  for (const h of run.json!.hosts.filter((o) => hosts.some((x) => x.name === o.host))) {
    assert.equal(h.window, null, `${h.host}: no open window`);
    const last = h.last as { id: string; how: string } | null;
    assert.deepEqual(last && { id: last.id, how: last.how }, { id: window, how }, h.host);
  }
}

/** Each host's expiry (epoch seconds) as a command reported it in --json. */
function reportedExpiry(json: FleetJson): Map<string, number> {
  return new Map(json.hosts.map((h) => [h.host, Date.parse(h.expires as string) / 1000]));
}

/** Waits for every host to be back; each must be back within `graceS` after its own expiry. */
async function assertRevertedByThemselves(
  hosts: FleetHost[],
  expiry: Map<string, number>,
  graceS: number,
): Promise<void> {
  const latest = Math.max(...hosts.map((h) => expiry.get(h.name)!));
  const isOriginal = (v: KnobValues | undefined) => JSON.stringify(v) === JSON.stringify(original);
  await waitFor(
    "every host to revert by itself",
    async () => {
      const readAt = Date.now() / 1000;
      const values = await fleetValues(fleet, hosts);
      for (const h of hosts) {
        const late = readAt - (expiry.get(h.name)! + graceS);
        assert.ok(
          isOriginal(values.get(h.name)) || late < 0,
          `${h.name} still changed ${graceS}s after its expiry`,
        );
      }
      return hosts.every((h) => isOriginal(values.get(h.name)));
    },
    (latest + graceS + 2 - Date.now() / 1000) * 1000,
  );
  for (const h of hosts) assert.equal(windowHeader(h), null, `${h.name}: window closed`);
  for (const h of hosts) await waitForWatchdogsGone(h, 3000);
}

test("apply --for 5s, controller SIGKILLed mid-command: every host reverts by itself at expiry", async () => {
  // Five hosts are held at their lock, so that the command is still running when it dies.
  const held = fleet.hosts.slice(15);
  for (const h of held) {
    forgetApplyArrival(h);
    holdLock(h);
  }
  const run = startCli(["apply", tcpProfile, "--for", "5s", ...fleetArgs(fleet)]);
  try {
    await waitFor(
      "some windows open and 5 applies waiting",
      () =>
        fleet.hosts.slice(0, 15).some((h) => windowHeader(h)?.state === "open") &&
        held.every(applyScriptArrived),
    );
    run.child.kill("SIGKILL");
    const ended = await run.done;
    assert.equal(ended.signal, "SIGKILL");
    assert.equal(ended.stdout, "", "killed before it reported");
  } finally {
    for (const h of held) releaseLock(h);
  }
  // The scripts the controller left behind finish on their own and arm their timers too; a host
  // the controller had not reached yet is untouched. The history shows who opened the window even
  // when this busy machine is slow enough for it to have expired already.
  for (const h of fleet.hosts) await waitFor(`${h.name} to be idle`, () => busyProcesses(h).length === 0);
  const window = windowHistory(held[0]).findLast(([event]) => event === "opened")![1];
  const opened = fleet.hosts.filter((h) => openedEvent(h, window));
  for (const h of held)
    assert.ok(opened.includes(h), `${h.name}: its apply finished after the controller died`);
  assert.ok(opened.length > held.length, "hosts finished before the kill as well");
  const expiry = new Map(opened.map((h) => [h.name, Number(openedEvent(h, window)![6])]));
  const readAt = Date.now() / 1000;
  const values = await fleetValues(fleet);
  for (const h of fleet.hosts) {
    if (!opened.includes(h)) {
      assert.deepEqual(values.get(h.name), original, `${h.name}: never reached, untouched`);
    } else if (expiry.get(h.name)! - readAt > 1) {
      assert.deepEqual(values.get(h.name), tcpApplied(), `${h.name}: applied, controller gone`);
    }
  }

  await assertRevertedByThemselves(opened, expiry, GRACE_S);
  await assertValues(fleet, fleet.hosts, original, "every host is back");
  await assertEnded(window, "expired", opened);
  const text = await runCli(["status", ...fleetArgs(fleet), "-l", held[0].name], { json: false });
  assert.match(
    text.stdout,
    new RegExp(`${held[0].name}: no open window; last ${window} expired and reverted at `),
  );
});

test("a host cut off when its window expires still reverts by itself", async () => {
  const json = await apply(tcpProfile, "--for", "5s");
  const expiry = reportedExpiry(json);
  const cut = [fleet.host("h003"), fleet.host("h011"), fleet.host("h019")];
  try {
    await fleet.cutOff(cut[0]);
    await fleet.cutOff(cut[1]);
    await fleet.cutOff(cut[2], { mode: "drop" });
    const refused = await runCli(["status", ...fleetArgs(fleet), "-l", "h003"]);
    assert.equal(refused.json!.hosts[0].error?.kind, "unreachable", "really cut off");
    await assertRevertedByThemselves(fleet.hosts, expiry, GRACE_S);
  } finally {
    for (const h of cut) await fleet.restore(h);
  }
  await assertEnded(json.window!, "expired");
});

test("extend moves the expiry: the window outlives its first expiry; moved again, it reverts then", async () => {
  const json = await apply(tcpProfile, "--for", "10s");
  const window = json.window!;
  const firstExpiry = Math.max(...reportedExpiry(json).values());
  const extended = await runCli(["extend", "--window", window, "--for", "30s", ...fleetArgs(fleet)]);
  assert.equal(extended.code, 0, extended.stderr);
  assert.deepEqual(
    extended.json!.summary,
    { ok: 20, changed: 20, failed: 0 },
    "extended before the first expiry",
  );
  for (const [host, expires] of reportedExpiry(extended.json!))
    assert.ok(expires > firstExpiry, `${host} moved`);
  for (const h of fleet.hosts)
    assert.ok(Number(windowHeader(h)!.expires) > firstExpiry, `${h.name}: the journal has the new expiry`);

  await sleep(Math.max(0, (firstExpiry + 1.5) * 1000 - Date.now()));
  await assertValues(fleet, fleet.hosts, tcpApplied(), "still applied after the first expiry");
  const open = await status();
  for (const h of open.json!.hosts)
    assert.equal((h.window as { id: string } | null)?.id, window, `${h.host} still open`);

  // Moved again, now to an earlier time: the watchdog follows that too.
  const shortened = await runCli(["extend", "--window", window, "--for", "1s", ...fleetArgs(fleet)]);
  assert.equal(shortened.code, 0, shortened.stderr);
  assert.deepEqual(shortened.json!.summary, { ok: 20, changed: 20, failed: 0 });
  await assertRevertedByThemselves(fleet.hosts, reportedExpiry(shortened.json!), GRACE_S);
  await assertEnded(window, "expired");
});

test("revert --window closes the window early and the watchdog is gone at once", async () => {
  const json = await apply(tcpProfile, "--for", "10m");
  const window = json.window!;
  for (const h of fleet.hosts) assert.equal(watchdogs(h).length, 1, `${h.name}: watchdog armed`);

  const wrong = await runCli(["revert", "--window", "20200101T000000-0000", ...fleetArgs(fleet)]);
  assert.equal(wrong.code, 0, wrong.stderr);
  assert.equal(wrong.json!.summary.changed, 0, "another window's id touches nothing");
  await assertValues(fleet, fleet.hosts, tcpApplied(), "still applied");

  const run = await runCli(["revert", "--window", window, ...fleetArgs(fleet)]);
  assert.equal(run.code, 0, run.stderr);
  assert.deepEqual(run.json!.summary, { ok: 20, changed: 20, failed: 0 });
  await assertValues(fleet, fleet.hosts, original, "reverted");
  // The watchdog loop sleeps up to 2 s between checks: gone well before that means it was disarmed.
  for (const h of fleet.hosts)
    await waitFor(`${h.name}: no expire.sh process`, () => watchdogs(h).length === 0, 1000);
  for (const h of fleet.hosts) assert.deepEqual(busyProcesses(h), [], `${h.name}: nothing left running`);
  await assertEnded(window, "reverted");
});

test("a second window with another profile is refused, naming the open window, its owner and expiry", async () => {
  const json = await apply(tcpProfile, "--for", "10m");
  const run = await runCli(["apply", udpProfile, ...fleetArgs(fleet)]);
  assert.equal(run.code, 2, run.stderr);
  assert.deepEqual(run.json!.summary, { ok: 0, changed: 0, failed: 20 });
  for (const h of run.json!.hosts) {
    const expires = new Date(Number(windowHeader(fleet.host(h.host))!.expires) * 1000).toISOString();
    assert.equal(h.error?.kind, "locked");
    assert.ok(h.error!.message.includes(`window ${json.window} (profile cli-tcp) is open`), h.error!.message);
    assert.ok(h.error!.message.includes(`owned by root@${hostname()}`), h.error!.message);
    assert.ok(h.error!.message.includes(`expires ${expires}`), h.error!.message);
  }
  await assertValues(fleet, fleet.hosts, tcpApplied(), "the open window is untouched");
  const reverted = await runCli(["revert", ...fleetArgs(fleet)]);
  assert.equal(reverted.code, 0, reverted.stderr);
  await assertValues(fleet, fleet.hosts, original, "reverted");
});

test("two concurrent applies of different profiles on the same 20 hosts: exactly one wins per host", async () => {
  const [tcpRun, udpRun] = await Promise.all([
    runCli(["apply", tcpProfile, "--for", "10m", ...fleetArgs(fleet)]),
    runCli(["apply", udpProfile, "--for", "10m", ...fleetArgs(fleet)]),
  ]);
  const values = await fleetValues(fleet);
  const wins = { tcp: 0, udp: 0 };
  for (const h of fleet.hosts) {
    const tcp = tcpRun.json!.hosts.find((o) => o.host === h.name)!;
    const udp = udpRun.json!.hosts.find((o) => o.host === h.name)!;
    assert.equal([tcp, udp].filter((o) => o.ok && o.changed).length, 1, `${h.name}: one winner`);
    const [winner, loser, run] = tcp.ok ? [tcp, udp, tcpRun] : [udp, tcp, udpRun];
    assert.equal(loser.ok, false);
    assert.equal(loser.error?.kind, "locked", loser.error?.message);
    assert.equal(windowHeader(h)!.id, run.json!.window, `${h.name}: the winner's window is open`);
    assert.deepEqual(
      values.get(h.name),
      winner === tcp ? tcpApplied() : udpApplied(),
      `${h.name}: the winner's values`,
    );
    wins[winner === tcp ? "tcp" : "udp"] += 1;
  }
  assert.equal(wins.tcp + wins.udp, 20);
  for (const run of [tcpRun, udpRun]) assert.equal(run.code, run.json!.summary.failed > 0 ? 2 : 0);

  const reverted = await runCli(["revert", ...fleetArgs(fleet)]);
  assert.equal(reverted.code, 0, reverted.stderr);
  await assertValues(fleet, fleet.hosts, original, "every host back to the original");
  for (const h of fleet.hosts) assert.equal(windowHeader(h), null, `${h.name}: no window left`);
});
