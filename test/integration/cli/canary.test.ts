// Issue 17, the health-gated rollout, on 20 namespace hosts through the real CLI: with --canary 2
// --canary-settle, a canary whose window trips its log budget (real INVALID packets) stops the
// rollout; the canaries are reverted and no other host is ever changed. Kernel values are read
// inside the hosts. All hosts share one kernel log, so both canaries see the flood.
import { after, afterEach, before, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startFleet, type Fleet } from "../../fleet/netns.js";
import { startCli } from "../../support/cli.js";
import {
  assertValues,
  fleetArgs,
  fleetValues,
  budgetCounting,
  LOW_BUDGET,
  journalLeftovers,
  revertOpenWindows,
  stopFleet,
  waitFor,
  watchdogs,
  windowHeader,
  windowHistory,
  writeProfile,
  type KnobValues,
} from "./fleetProbe.js";

let fleet: Fleet;
let dir: string;
let original: KnobValues;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), "nfd-cli-canary-"));
  fleet = await startFleet({ count: 20, allNetnsLogging: true });
  original = (await fleetValues(fleet)).get("h001")!;
  await assertValues(fleet, fleet.hosts, original, "fresh hosts are alike");
});

afterEach(() => revertOpenWindows(fleet));

after(() => stopFleet(fleet, dir));

test("a canary that trips its budget stops the rollout: canaries reverted, no other host changed", async () => {
  const profile = writeProfile(dir, "canary-low", LOW_BUDGET);
  const [h1, h2] = fleet.hosts;
  await fleet.trackConntrack(h1);
  const run = startCli([
    "apply",
    profile,
    "--for",
    "10m",
    "--canary",
    "2",
    "--canary-settle",
    "10m",
    "--yes",
    ...fleetArgs(fleet),
  ]);
  await waitFor("both canaries open and counting", () => [h1, h2].every(budgetCounting));
  const window = windowHeader(h1)!.id;
  await fleet.makeInvalid(h1, "tcp-bad-flags", { count: 2000 });
  const ended = await run.done;

  assert.equal(ended.code, 2, ended.stderr);
  assert.match(
    ended.json!.aborted ?? "",
    /^canary h00[12] tripped its log budget \(window tripped its budget on h00[12] at /,
  );
  assert.match(ended.stderr, /rollout stopped: canary h00[12] tripped its log budget/);
  for (const h of fleet.hosts.slice(2)) {
    assert.equal(
      windowHistory(h).some(([event]) => event === "opened"),
      false,
      `${h.name}: never opened a window`,
    );
  }
  const tripped = [h1, h2].filter((h) =>
    windowHistory(h).some(([event, id, , how]) => event === "closed" && id === window && how === "tripped"),
  );
  assert.ok(tripped.length >= 1, "a canary recorded its trip");
  await assertValues(fleet, fleet.hosts, original, "every host as before");
  for (const h of fleet.hosts) {
    assert.equal(windowHeader(h), null, `${h.name}: no window`);
    await waitFor(`${h.name}: switch gone`, () => watchdogs(h).length === 0);
    assert.deepEqual(journalLeftovers(h), [], h.name);
  }
});
