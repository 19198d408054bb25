// A runbook whose host drops during apply, through the real CLI over real SSH on 3 namespace
// hosts: the engine cancels the interrupted apply there (as it does for `nfdebug apply`), so the
// host ends as it was, and the run's output and bundle say so. Kernel values and the journal are
// read inside the host, never through nfdebug.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startFleet, type Fleet } from "../../fleet/netns.js";
import { runCli, startCli } from "../../support/cli.js";
import {
  applyScriptArrived,
  busyProcesses,
  fleetArgs,
  fleetValues,
  forgetApplyArrival,
  holdLock,
  journalLeftovers,
  knobValues,
  releaseLock,
  sleep,
  waitFor,
  watchdogs,
  windowHeader,
  writeProfile,
  type KnobValues,
  stopFleet,
} from "./fleetProbe.js";

let fleet: Fleet;
let dir: string;
let runbook: string;
let original: Map<string, KnobValues>;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), "nfd-cli-runbook-drop-"));
  fleet = await startFleet({ count: 3 });
  writeProfile(dir, "drop-tcp", "log_invalid: tcp\nnf_log:\n  ipv6: NONE\n");
  runbook = join(dir, "drop.yaml");
  writeFileSync(
    runbook,
    [
      "apiVersion: nfdebug/v1",
      "kind: Runbook",
      "name: drop",
      "question: Does a host that drops during apply end as it was?",
      "profile: drop-tcp.yaml",
      "window: 10m",
      "steps: [apply, { wait: 1s }, collect, revert, report]",
      "",
    ].join("\n"),
  );
  original = await fleetValues(fleet);
});

after(() => stopFleet(fleet, dir));

/** The manifest's hosts carry `name`; the --json output's carry `host` (schemas/result.schema.json). */
interface RunJson {
  steps: { name: string; ok: boolean; message?: string }[];
  hosts: {
    name?: string;
    host?: string;
    ok: boolean;
    reverted: unknown;
    error?: { kind: string; message: string } | null;
  }[];
}

test("a runbook's host whose sshd is killed mid-apply: cancelled there, as it was, and the bundle says so", async (t) => {
  const bad = fleet.host("h002");
  const out = join(dir, "bundle");
  forgetApplyArrival(bad);
  // The lock holds the apply script on the host after it arrived and before it changes anything.
  holdLock(bad);
  const state = join(dir, "state");
  const run = startCli(["run", runbook, "--out", out, ...fleetArgs(fleet)], {
    timeoutMs: 180_000,
    env: { XDG_STATE_HOME: state },
  });
  try {
    await waitFor("the apply script to arrive on h002", () => applyScriptArrived(bad));
    assert.ok((await fleet.killSshd(bad)) >= 1, "an sshd was killed");
    // The orphaned script goes on once the lock is free: it and the cancel meet in either order.
    await sleep(300);
  } finally {
    releaseLock(bad);
  }
  const result = await run.done;
  assert.equal(result.code, 2, result.stderr);
  // Kernel truth first: the orphan may finish after the CLI, so wait until nothing runs on the host.
  await waitFor("h002 to be idle", () => busyProcesses(bad).length === 0);
  assert.deepEqual(await knobValues(fleet, bad), original.get(bad.name), "h002's sysctls as they were");
  assert.equal(windowHeader(bad), null, "no open window in h002's /run/nfdebug");
  assert.deepEqual(journalLeftovers(bad), [], "no lock, journal or cancel mark left");
  assert.deepEqual(watchdogs(bad), [], "no watchdog left on h002");
  for (const h of fleet.hosts.filter((x) => x !== bad))
    assert.deepEqual(await knobValues(fleet, h), original.get(h.name), `${h.name} reverted`);

  // What the run said about it.
  const json = JSON.parse(result.stdout) as RunJson;
  const reported = json.hosts.find((h) => h.host === bad.name)!;
  t.diagnostic(reported.error?.message ?? "no error");
  assert.equal(reported.ok, false);
  assert.equal(reported.error?.kind, "unreachable");
  assert.match(reported.error!.message, /connection lost during apply; reconnected/);
  assert.match(
    reported.error!.message,
    /reverted window \S+ there: nothing left changed|had not begun there/,
    "the output says what became of the host",
  );
  for (const h of json.hosts.filter((x) => x.host !== bad.name))
    assert.deepEqual([h.ok, h.reverted], [true, true], `${h.host} ran the whole runbook`);

  // The bundle tells the same story as the output.
  const manifest = JSON.parse(readFileSync(join(out, "manifest.json"), "utf8")) as RunJson;
  const inBundle = manifest.hosts.find((h) => h.name === bad.name)!;
  assert.deepEqual(inBundle.error, reported.error);
  assert.match(readFileSync(join(out, "summary.md"), "utf8"), /connection lost during apply; reconnected/);
  const factsAfter = JSON.parse(readFileSync(join(out, "facts-after.json"), "utf8")) as Record<
    string,
    { window: unknown }
  >;
  assert.ok(bad.name in factsAfter, "the facts after the run include the host that dropped");
  assert.equal(factsAfter[bad.name].window, null, "and show it without a window");

  // The audit trail has the cancel, as for `nfdebug apply`.
  const trail = readFileSync(join(state, "nfdebug", "history.jsonl"), "utf8")
    .split("\n")
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { command: string; host: string; event: string });
  const cancels = trail.filter((e) => e.command === "cancel").map((e) => [e.host, e.event]);
  assert.equal(cancels.length, 1, JSON.stringify(cancels));
  assert.equal(cancels[0][0], bad.name);
  assert.ok(["reverted", "prevented"].includes(cancels[0][1]), cancels[0][1]);

  // The failed host is in the bundle's retry file, and --limit @FILE acts on it alone.
  const retry = join(out, "failed.retry");
  assert.equal(readFileSync(retry, "utf8"), `${bad.name}\n`);
  assert.ok(result.stderr.includes(`retry them with --limit @${retry}`), result.stderr);
  const again = await runCli(["status", "--limit", `@${retry}`, "--json", ...fleetArgs(fleet)], {
    env: { XDG_STATE_HOME: state },
  });
  assert.equal(again.code, 0, again.stderr);
  assert.deepEqual(
    (JSON.parse(again.stdout) as RunJson).hosts.map((h) => h.host),
    [bad.name],
  );
});
