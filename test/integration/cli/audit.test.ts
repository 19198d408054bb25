// Issue 9: the controller's audit trail through the real CLI. Every window-changing command
// (apply, extend, revert, run) appends one JSON line per host event to
// $XDG_STATE_HOME/nfdebug/history.jsonl: who, which window and profile, where, how it went.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startFleet, type Fleet } from "../../fleet/netns.js";
import { runCli, type CliResult } from "../../support/cli.js";
import type { HistoryEntry } from "../../../src/audit/history.js";
import {
  fleetArgs,
  fleetValues,
  windowHeader,
  writeProfile,
  type KnobValues,
  assertValues,
  stopFleet,
} from "./fleetProbe.js";

let fleet: Fleet;
let dir: string;
let state: string;
let original: KnobValues;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), "nfd-cli-audit-"));
  state = join(dir, "state");
  fleet = await startFleet({ count: 2, sudoPasswordHost: true });
  original = (await fleetValues(fleet)).get("h001")!;
});

after(() => stopFleet(fleet, dir));

const trail = () => join(state, "nfdebug", "history.jsonl");
const cli = (args: string[]) => runCli(args, { env: { XDG_STATE_HOME: state } });

function entries(): HistoryEntry[] {
  return readFileSync(trail(), "utf8")
    .split("\n")
    .filter(Boolean)
    .map((l) => JSON.parse(l) as HistoryEntry);
}

/** The lines a command appended, as [command, host, event, outcome, error_kind, changes]. */
async function appended(
  args: string[],
  expectCode: number,
): Promise<{ run: CliResult; lines: HistoryEntry[] }> {
  const before = (() => {
    try {
      return entries().length;
    } catch {
      return 0;
    }
  })();
  const run = await cli(args);
  assert.equal(run.code, expectCode, run.stderr);
  return { run, lines: entries().slice(before) };
}
const brief = (lines: HistoryEntry[]) =>
  lines.map((e) => [e.command, e.host, e.event, e.outcome, e.error_kind, e.changes]);

test("apply, apply again, a refused apply, extend, revert and run each append their host events", async () => {
  const started = new Date();
  const profileA = writeProfile(dir, "audit-a", "log_invalid: tcp\nwindow: 10m\n");
  const profileB = writeProfile(dir, "audit-b", "log_invalid: udp\nwindow: 10m\n");

  const first = await appended(["apply", profileA, ...fleetArgs(fleet)], 2);
  const window = first.run.json!.window!;
  assert.deepEqual(brief(first.lines).sort(), [
    ["apply", "h001", "opened", "ok", null, 1],
    ["apply", "h002", "opened", "ok", null, 1],
    ["apply", "hsudopw", "failed", "failed", "become", 0],
  ]);
  for (const e of first.lines) {
    assert.equal(e.window, window);
    assert.equal(e.profile, "audit-a");
    assert.match(e.actor, /^[A-Za-z0-9_.-]+@[A-Za-z0-9_.-]+$/);
    assert.ok(Date.parse(e.time) >= started.getTime() - 1000 && Date.parse(e.time) <= Date.now());
  }
  assert.equal(
    first.lines.find((e) => e.host === "h001")!.actor,
    windowHeader(fleet.host("h001"))!.owner,
    "the same owner as on the host",
  );
  assert.ok(first.lines.find((e) => e.host === "h001")!.expires);

  const again = await appended(["apply", profileA, ...fleetArgs(fleet), "-l", "h00*"], 0);
  assert.deepEqual(brief(again.lines).sort(), [
    ["apply", "h001", "joined", "ok", null, 0],
    ["apply", "h002", "joined", "ok", null, 0],
  ]);
  assert.ok(
    again.lines.every((e) => e.window === window),
    "joined the open window",
  );

  const other = await appended(["apply", profileB, ...fleetArgs(fleet), "-l", "h001"], 2);
  assert.deepEqual(brief(other.lines), [["apply", "h001", "refused", "failed", "locked", 0]]);
  assert.equal(other.lines[0].profile, "audit-b");

  const extended = await appended(
    ["extend", "--window", window, "--for", "20m", ...fleetArgs(fleet), "-l", "h00*"],
    0,
  );
  assert.deepEqual(brief(extended.lines).sort(), [
    ["extend", "h001", "extended", "ok", null, 0],
    ["extend", "h002", "extended", "ok", null, 0],
  ]);
  assert.ok(
    extended.lines.every((e) => e.window === window && Date.parse(e.expires!) > Date.now() + 15 * 60_000),
  );

  const reverted = await appended(["revert", ...fleetArgs(fleet), "-l", "h00*"], 0);
  assert.deepEqual(brief(reverted.lines).sort(), [
    ["revert", "h001", "reverted", "ok", null, 1],
    ["revert", "h002", "reverted", "ok", null, 1],
  ]);
  assert.ok(reverted.lines.every((e) => e.window === window));
  await assertValues(fleet, [fleet.host("h001"), fleet.host("h002")], original, "reverted");
  const none = await appended(["revert", ...fleetArgs(fleet), "-l", "h00*"], 0);
  assert.deepEqual(brief(none.lines).sort(), [
    ["revert", "h001", "none", "ok", null, 0],
    ["revert", "h002", "none", "ok", null, 0],
  ]);

  const runbook = join(dir, "audit-run.yaml");
  writeFileSync(
    runbook,
    "apiVersion: nfdebug/v1\nkind: Runbook\nname: audit-run\nprofile:\n  log_invalid: udp\nsteps:\n  - apply\n  - revert\n",
  );
  const run = await appended(["run", runbook, ...fleetArgs(fleet), "--out", join(dir, "bundle")], 2);
  assert.deepEqual(brief(run.lines), [
    ["run", "h001", "opened", "ok", null, 1],
    ["run", "h001", "reverted", "ok", null, 0],
    ["run", "h002", "opened", "ok", null, 1],
    ["run", "h002", "reverted", "ok", null, 0],
    ["run", "hsudopw", "failed", "failed", "become", 0],
  ]);
  assert.match(run.lines[0].window!, /^\d{8}T\d{6}-[0-9a-f]{4}$/);
  assert.equal(run.lines[0].profile, "audit-run");
  await assertValues(fleet, [fleet.host("h001"), fleet.host("h002")], original, "the run reverted");

  assert.equal(statSync(trail()).mode & 0o777, 0o600, "the trail is private");
  const keys = [
    "actor",
    "changes",
    "command",
    "error_kind",
    "event",
    "host",
    "outcome",
    "profile",
    "time",
    "window",
  ];
  for (const e of entries()) {
    assert.deepEqual(
      Object.keys(e)
        .filter((k) => k !== "expires")
        .sort(),
      keys,
    );
    assert.ok(!JSON.stringify(e).includes("password"), "no message text (the become error's wording)");
  }
});

test("read-only commands (facts, plan, status, doctor) and a dry run append nothing", async () => {
  const count = entries().length;
  const profile = writeProfile(dir, "audit-ro", "log_invalid: tcp\n");
  for (const args of [["facts"], ["plan", profile], ["status"], ["doctor"]])
    await cli([...args, ...fleetArgs(fleet), "-l", "h001"]);
  const runbook = join(dir, "audit-run.yaml");
  await cli(["run", runbook, "--dry-run", ...fleetArgs(fleet), "-l", "h001"]);
  assert.equal(entries().length, count);
});
