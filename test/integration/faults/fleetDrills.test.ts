// Fault drills over real SSH on 20 namespace hosts, through the real CLI: the controller SIGKILLed
// at 10 moments spread over an apply, two controllers racing, and Ctrl-C during revert. Judged by
// kernel truth read inside the hosts (sysctl, /run/nfdebug, processes), never by nfdebug.
import { after, afterEach, before, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startFleet, type Fleet, type FleetHost } from "../../fleet/netns.js";
import { runCli, startCli } from "../../support/cli.js";
import {
  applyScriptArrived,
  busyProcesses,
  forgetApplyArrival,
  fleetArgs,
  fleetValues,
  sleep,
  waitFor,
  watchdogs,
  windowHeader,
  writeProfile,
  type KnobValues,
  revertOpenWindows,
  stopFleet,
} from "../cli/fleetProbe.js";
import { recordDrill } from "./drillTable.js";

let fleet: Fleet;
let dir: string;
let profile: string;
let original: KnobValues;
const WINDOW_S = 4;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), "nfd-fleet-drills-"));
  fleet = await startFleet({ count: 20 });
  profile = writeProfile(dir, "drill-tcp", "log_invalid: tcp\nnf_log:\n  ipv6: NONE\n");
  original = (await fleetValues(fleet)).get("h001")!;
});

afterEach(async () => {
  await revertOpenWindows(fleet);
});

after(() => stopFleet(fleet, dir));

/**
 * Every host ends as before, by itself: no value changed, no window, no switch left. Waits for the
 * windows opened by the dead controller to expire (their switches revert them).
 */
async function everyHostBackByItself(what: string, hosts: FleetHost[] = fleet.hosts): Promise<number> {
  await waitFor(`${what}: hosts idle`, () => hosts.every((h) => busyProcesses(h).length === 0), 30_000);
  let back = 0;
  await waitFor(
    `${what}: every host back`,
    async () => {
      const values = await fleetValues(fleet, hosts);
      back = hosts.filter(
        (h) =>
          JSON.stringify(values.get(h.name)) === JSON.stringify(original) &&
          windowHeader(h) === null &&
          watchdogs(h).length === 0,
      ).length;
      return back === hosts.length;
    },
    (WINDOW_S + 20) * 1000,
  );
  return back;
}

test("the controller SIGKILLed at 10 moments of an apply on 20 hosts: every host reverts by itself", async (t) => {
  // When, in one apply here, the hosts are worked on (from the first apply script arriving on a
  // host to the command's end): the moments are spread over that span, where a kill can matter.
  for (const h of fleet.hosts) forgetApplyArrival(h);
  const t0 = Date.now();
  const baseline = startCli(["apply", profile, "--for", `${WINDOW_S}s`, ...fleetArgs(fleet)]);
  let ended = false;
  void baseline.done.then(() => (ended = true));
  while (!ended && !fleet.hosts.some(applyScriptArrived)) await sleep(5);
  const firstMs = Date.now() - t0;
  const result = await baseline.done;
  assert.equal(result.code, 0, result.stderr);
  const applyMs = Date.now() - t0;
  await everyHostBackByItself("baseline");
  let survived = 0;
  const moments = Array.from({ length: 10 }, (_, i) =>
    Math.round(firstMs - 100 + ((i + 0.5) * (applyMs - firstMs + 100)) / 10),
  );
  for (const at of moments) {
    const run = startCli(["apply", profile, "--for", `${WINDOW_S}s`, ...fleetArgs(fleet)]);
    await sleep(at);
    run.child.kill("SIGKILL");
    await run.done;
    const opened = fleet.hosts.filter((h) => windowHeader(h) !== null).length;
    survived += (await everyHostBackByItself(`killed at ${at} ms`)) === fleet.hosts.length ? 1 : 0;
    t.diagnostic(
      `killed at ${at} ms (hosts worked on from ~${firstMs} to ~${applyMs} ms): ${opened} host(s) had a window open, all back by themselves`,
    );
  }
  recordDrill({
    fault: `controller SIGKILL at 10 moments of apply (20 hosts each)`,
    hosts: 10 * fleet.hosts.length,
    survived: survived * fleet.hosts.length,
    how: "every host reverted by its own switch",
  });
});

test("two controllers racing for the same 20 hosts with different profiles: one wins per host, all revert", async () => {
  const other = writeProfile(dir, "drill-udp", "log_invalid: udp\n");
  const [a, b] = await Promise.all([
    runCli(["apply", profile, "--for", "60s", ...fleetArgs(fleet)]),
    runCli(["apply", other, "--for", "60s", ...fleetArgs(fleet)]),
  ]);
  const won = (h: string) => [a, b].filter((r) => r.json?.hosts.find((o) => o.host === h)?.ok).length;
  for (const h of fleet.hosts) assert.equal(won(h.name), 1, `${h.name}: exactly one controller won`);
  await runCli(["revert", ...fleetArgs(fleet)]);
  const values = await fleetValues(fleet);
  for (const h of fleet.hosts) assert.deepEqual(values.get(h.name), original, h.name);
  recordDrill({
    fault: "two controllers racing (different profiles)",
    hosts: 20,
    survived: 20,
    how: "one wins per host, revert restores",
  });
});

test("Ctrl-C during revert: each host is either reverted, or still open with its live switch, and a second revert finishes", async () => {
  const applied = await runCli(["apply", profile, "--for", "120s", ...fleetArgs(fleet)]);
  assert.equal(applied.code, 0, applied.stderr);
  const run = startCli(["revert", ...fleetArgs(fleet)]);
  await sleep(150);
  run.child.kill("SIGINT");
  await run.done;
  await waitFor("hosts idle", () => fleet.hosts.every((h) => busyProcesses(h).length === 0), 30_000);
  const values = await fleetValues(fleet);
  let survived = 0;
  for (const h of fleet.hosts) {
    const w = windowHeader(h);
    const back = JSON.stringify(values.get(h.name)) === JSON.stringify(original) && w === null;
    const open = w !== null && w.state === "open" && watchdogs(h).length === 1;
    assert.ok(back || open, `${h.name}: reverted, or open with its switch (${JSON.stringify(w)})`);
    survived++;
  }
  const again = await runCli(["revert", ...fleetArgs(fleet)]);
  assert.equal(again.code, 0, again.stderr);
  await everyHostBackByItself("after the second revert");
  recordDrill({
    fault: "Ctrl-C during revert",
    hosts: 20,
    survived,
    how: "reverted, or open with a live switch",
  });
});
