// Issue 17, the log budget, on namespace hosts through the real CLI: a window whose kernel log
// goes over its budget is reverted by the host itself (its dead-man's switch samples the log), with
// the controller gone; a window under its budget stays open. Real INVALID packets (nf_log_all_netns
// on, so that the hosts' lines are printed); kernel values read inside the host, never via nfdebug.
// All hosts share one kernel log, so one window is open at a time here.
import { after, afterEach, before, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startFleet, type Fleet, type FleetHost } from "../../fleet/netns.js";
import { runCli, startCli } from "../../support/cli.js";
import {
  assertValues,
  budgetCounting,
  LOW_BUDGET,
  fleetArgs,
  hostProcesses,
  hostProcessIds,
  journalKeyValues,
  journalLeftovers,
  knobValues,
  revertOpenWindows,
  stopFleet,
  waitFor,
  windowHeader,
  windowHistory,
  writeProfile,
  type KnobValues,
} from "./fleetProbe.js";

let fleet: Fleet;
let dir: string;
let h: FleetHost;
let original: KnobValues;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), "nfd-cli-budget-"));
  fleet = await startFleet({ count: 1, allNetnsLogging: true });
  h = fleet.hosts[0];
  await fleet.trackConntrack(h);
  original = await knobValues(fleet, h);
});

afterEach(async () => {
  await revertOpenWindows(fleet);
});

after(() => stopFleet(fleet, dir));

/** The sampler's count file ($J/budget: id, lines, at), or null. */
const budgetFile = (): Record<string, string> | null => journalKeyValues(h, "budget");

/** The switch and its kernel log reader, left in the host. */
const samplerProcesses = (): string[] =>
  hostProcesses(h).filter((c) => c.includes("expire.sh") || c === "cat /dev/kmsg");

test("a flood over the budget: the host reverts the window by itself, controller killed, and records the trip", async () => {
  const profile = writeProfile(dir, "budget-low", LOW_BUDGET);
  const run = startCli(["apply", profile, "--for", "10m", ...fleetArgs(fleet)]);
  // The sampler is counting once it wrote its count file for this window.
  await waitFor("window open and its sampler counting", () => budgetCounting(h));
  const window = windowHeader(h)!.id;
  assert.equal(windowHeader(h)!.budget, "50 1 1000000 2");
  // The controller vanishes: nothing but the host can end the window before its 10 minutes.
  run.child.kill("SIGKILL");
  await run.done;
  assert.equal((await knobValues(fleet, h))["net.netfilter.nf_conntrack_log_invalid"], "6");

  // 2 lines per packet: 4,000 lines in far less than a sampling period.
  await fleet.makeInvalid(h, "tcp-bad-flags", { count: 2000 });
  await waitFor("the window reverted by its host", () => windowHeader(h) === null, 60_000).catch(
    (err: Error) => {
      throw new Error(
        `${err.message}; count ${JSON.stringify(budgetFile())}, processes ${hostProcesses(h).join("; ")}`,
      );
    },
  );

  const closed = windowHistory(h).findLast(([event, id]) => event === "closed" && id === window);
  assert.ok(closed, "a closed line for the window");
  const [, , , how, , kind, measured, limit] = closed;
  assert.equal(how, "tripped");
  assert.ok(kind === "rate" || kind === "overrun", `kind ${kind}`);
  assert.equal(limit, "50/s");
  if (kind === "rate") assert.ok(Number(measured) > 50, `measured ${measured} lines/s`);
  await assertValues(fleet, [h], original, "every knob back to its value before the window");
  await waitFor("switch and reader gone", () => samplerProcesses().length === 0);
  assert.deepEqual(journalLeftovers(h), []);

  // The user learns it from status; tripping is not a failure of nfdebug.
  const status = await runCli(["status", ...fleetArgs(fleet)], { json: false });
  assert.equal(status.code, 0, status.stderr);
  assert.match(
    status.stdout,
    new RegExp(
      `^${h.name}: no open window; last ${window}: window tripped its budget on ${h.name} at \\d\\d:\\d\\d:\\d\\d: ${floodMeasure(">")}; reverted$`,
      "m",
    ),
  );
  const json = await runCli(["status", ...fleetArgs(fleet)]);
  const entry = json.json!.hosts[0] as unknown as {
    last: { how: string; trip: { kind: string; limit: string } };
  };
  assert.equal(entry.last.how, "tripped");
  assert.deepEqual([entry.last.trip.kind, entry.last.trip.limit], [kind, "50/s"]);

  // collect reads the window up to its end and says, as status does, that it tripped.
  const collected = await runCli(["collect", "--window", window, ...fleetArgs(fleet)], { json: false });
  assert.equal(collected.code, 0, collected.stderr);
  assert.match(collected.stdout, tripLine(h.name));
  const collectedJson = await runCli(["collect", "--window", window, ...fleetArgs(fleet)]);
  assert.equal(collectedJson.code, 0, collectedJson.stderr);
  const trip = (collectedJson.json!.hosts[0] as unknown as { trip: Record<string, unknown> }).trip;
  assert.deepEqual(
    { ...trip, at: undefined },
    { at: undefined, kind, measured: Number(measured), limit: "50/s" },
  );
  assert.equal(trip.at, (entry.last.trip as unknown as { at: string }).at, "the time status says");
});

/**
 * How a flood over 50 lines/s is measured: its rate, or, when the flood overran the sampler's
 * reader before a sample (a loaded machine: it fell a ring buffer behind), the overrun. `gt` is ">"
 * as the text prints it ("&gt;" in HTML, where the apostrophe is an entity too).
 */
function floodMeasure(gt: string): string {
  return `(?:[\\d,]+ lines/s ${gt} 50/s|its sampler.{1,5}s kernel log reader stopped \\(overrun by the log, or killed\\): lines went uncounted after [\\d,]+ \\(limit 50/s\\))`;
}

/** "HOST: window tripped its budget on HOST at HH:MM:SS: N lines/s > 50/s; reverted", a line of its own. */
function tripLine(host: string): RegExp {
  return new RegExp(
    `^${host}: window tripped its budget on ${host} at \\d\\d:\\d\\d:\\d\\d: ${floodMeasure(">")}; reverted$`,
    "m",
  );
}

test("a runbook whose window trips mid-run: recorded and reported as tripped, with the measure; exit 0", async () => {
  writeProfile(dir, "budget-low-run", LOW_BUDGET);
  const runbook = join(dir, "budget-trip.yaml");
  // The exec step waits for the host to end the window by itself (the test floods it meanwhile);
  // revert then finds it closed and reads how from the host's history, before collect runs.
  writeFileSync(
    runbook,
    [
      "apiVersion: nfdebug/v1",
      "kind: Runbook",
      "name: budget-trip",
      "question: Does a run say that its window tripped its log budget?",
      "profile: budget-low-run.yaml",
      "window: 10m",
      "steps:",
      "  - apply",
      "  - exec:",
      "      timeout: 120s",
      "      command: |",
      "        # until the host reverts the window",
      "        while [ -f /run/nfdebug/window ]; do sleep 0.2; done",
      "  - revert",
      "  - collect",
      "  - report",
      "",
    ].join("\n"),
  );
  const out = join(dir, "budget-trip-run");
  const state = join(dir, "state");
  const run = startCli(["run", runbook, "--out", out, ...fleetArgs(fleet)], {
    json: false,
    timeoutMs: 300_000,
    env: { XDG_STATE_HOME: state },
  });
  await waitFor("window open and its sampler counting", () => budgetCounting(h));
  const window = windowHeader(h)!.id;
  await fleet.makeInvalid(h, "tcp-bad-flags", { count: 2000 });
  const result = await run.done;
  // Tripping is not a failure of nfdebug: the host reverted the window as designed.
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stdout, tripLine(h.name));
  assert.doesNotMatch(result.stdout, /FAILED/);
  await assertValues(fleet, [h], original, "every knob back to its value before the window");

  const manifest = JSON.parse(readFileSync(join(out, "manifest.json"), "utf8")) as {
    hosts: Array<{ name: string; ok: boolean; reverted: unknown; trip?: { kind: string; limit: string } }>;
  };
  const host = manifest.hosts.find((m) => m.name === h.name)!;
  assert.deepEqual([host.ok, host.reverted, host.trip?.limit], [true, "tripped", "50/s"]);
  assert.ok(host.trip?.kind === "rate" || host.trip?.kind === "overrun", host.trip?.kind);

  const sentence = new RegExp(
    `window tripped its budget on ${h.name} at \\d\\d:\\d\\d:\\d\\d: ${floodMeasure("&gt;")}`,
  );
  const summary = readFileSync(join(out, "summary.md"), "utf8");
  assert.match(summary, /reverted by the host: its log budget tripped/);
  // Markdown escapes ">" (a quote at a line's start).
  assert.match(summary, new RegExp(sentence.source.replace("&gt;", "\\\\>")));
  assert.doesNotMatch(summary, /host's timer/);
  const html = readFileSync(join(out, "report.html"), "utf8");
  assert.match(html, sentence);
  assert.doesNotMatch(html, /host&#39;s timer|host's timer/);

  const trail = readFileSync(join(state, "nfdebug", "history.jsonl"), "utf8")
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l) as Record<string, unknown>)
    .filter((e) => e.command === "run" && e.window === window);
  assert.deepEqual(
    trail.map((e) => [e.event, e.outcome]),
    [
      ["opened", "ok"],
      ["tripped", "ok"],
    ],
  );
  assert.match(String(trail[1].message), new RegExp(sentence.source.replace("&gt;", ">")));
});

test("a window under its budget stays open across samples", async () => {
  const profile = writeProfile(
    dir,
    "budget-roomy",
    "log_invalid: tcp\nbudget:\n  max_rate: 30000/min\n  max_lines: 1000000\n  interval: 1s\n",
  );
  const applied = await runCli(["apply", profile, "--for", "10m", ...fleetArgs(fleet)]);
  assert.equal(applied.code, 0, applied.stderr);
  const window = windowHeader(h)!.id;
  await waitFor("its sampler counting", () => budgetFile()?.id === window);
  const start = Number(budgetFile()!.lines);
  await fleet.makeInvalid(h, "tcp-bad-flags", { count: 5 });
  // Counted (10 lines at least), then three more samples with the window still open.
  await waitFor("the lines counted", () => Number(budgetFile()?.lines ?? 0) >= start + 10);
  let samples = 0;
  let at = budgetFile()!.at;
  await waitFor("three more samples", () => {
    const now = budgetFile()?.at;
    if (now !== undefined && now !== at) {
      samples += 1;
      at = now;
    }
    return samples >= 3 || windowHeader(h) === null;
  });
  assert.equal(windowHeader(h)?.state, "open", "still open");
  assert.equal(budgetFile()?.tripped, undefined);

  // status shows the budget and what the host's sampler counted (at least the 10 lines).
  const status = await runCli(["status", ...fleetArgs(fleet)]);
  assert.equal(status.code, 0, status.stderr);
  const budget = (status.json!.hosts[0] as unknown as { window: { budget: Record<string, unknown> } }).window
    .budget;
  assert.deepEqual([budget.max_rate, budget.max_lines, budget.interval_s], ["30000/min", 1000000, 1]);
  assert.ok(Number(budget.lines_counted) >= start + 10, JSON.stringify(budget));
  assert.equal(budget.unenforced, undefined);
  const text = await runCli(["status", ...fleetArgs(fleet)], { json: false });
  assert.match(text.stdout, /, budget 30000\/min or 1,000,000 lines: [\d,]+ kernel log lines counted/);

  const reverted = await runCli(["revert", ...fleetArgs(fleet)]);
  assert.equal(reverted.code, 0, reverted.stderr);
  assert.equal(windowHistory(h).findLast(([event]) => event === "closed")?.[3], "reverted");
  await assertValues(fleet, [h], original, "every knob back");
  await waitFor("switch and reader gone", () => samplerProcesses().length === 0);
  assert.deepEqual(journalLeftovers(h), []);
});

test("a reader that fell a ring buffer behind a flood (overrun): the window trips, the lines it missed are not taken as a quiet log", async () => {
  // A rate the flood cannot reach while the reader is stopped: only the overrun can end the window.
  const profile = writeProfile(
    dir,
    "budget-overrun",
    "log_invalid: tcp\nbudget:\n  max_rate: 1000000/s\n  max_lines: 100000000\n  interval: 1s\n",
  );
  const applied = await runCli(["apply", profile, "--for", "10m", ...fleetArgs(fleet)]);
  assert.equal(applied.code, 0, applied.stderr);
  const window = windowHeader(h)!.id;
  await waitFor("its sampler counting", () => budgetFile()?.id === window);
  const reader = hostProcessIds(h).find((p) => p.command === "cat /dev/kmsg");
  assert.ok(reader, `the reader among ${hostProcesses(h).join("; ")}`);
  // Stopped, the reader reads nothing while the kernel overwrites the records it has not read:
  // 20,000 lines of about 250 bytes are several times any ring buffer (log_buf_len).
  process.kill(reader.pid, "SIGSTOP");
  try {
    await fleet.makeInvalid(h, "tcp-bad-flags", { count: 10_000 });
    assert.equal(windowHeader(h)?.state, "open", "no trip while the reader counts nothing");
  } finally {
    process.kill(reader.pid, "SIGCONT");
  }
  await waitFor("the window reverted by its host", () => windowHeader(h) === null, 30_000).catch(
    (err: Error) => {
      throw new Error(
        `${err.message}; count ${JSON.stringify(budgetFile())}, processes ${hostProcesses(h).join("; ")}`,
      );
    },
  );
  const closed = windowHistory(h).findLast(([event, id]) => event === "closed" && id === window);
  assert.ok(closed, "a closed line for the window");
  const [, , , how, , kind, , limit] = closed;
  assert.deepEqual([how, kind, limit], ["tripped", "overrun", "1000000/s"]);
  await assertValues(fleet, [h], original, "every knob back to its value before the window");
  await waitFor("switch and reader gone", () => samplerProcesses().length === 0);
  assert.deepEqual(journalLeftovers(h), []);
  const status = await runCli(["status", ...fleetArgs(fleet)], { json: false });
  assert.match(
    status.stdout,
    /its sampler.s kernel log reader stopped \(overrun by the log, or killed\): lines went uncounted after [\d,]+ \(limit 1,000,000\/s\)/,
  );
});

test("a switch SIGKILLed alone (no trap runs) takes its kernel log reader with it: no orphan reading every record", async () => {
  const profile = writeProfile(dir, "budget-orphan", LOW_BUDGET.replace("50/s", "100000/s"));
  const applied = await runCli(["apply", profile, "--for", "10m", ...fleetArgs(fleet)]);
  assert.equal(applied.code, 0, applied.stderr);
  await waitFor("its sampler counting", () => budgetCounting(h));
  const [watchdog] = hostProcessIds(h).filter((p) => p.command.includes("expire.sh"));
  assert.ok(watchdog, `the watchdog among ${hostProcesses(h).join("; ")}`);
  assert.ok(
    hostProcessIds(h).some((p) => p.command === "cat /dev/kmsg"),
    "its reader runs",
  );
  // Its pid alone, not its process group (which nfdebug's own disarm signals).
  process.kill(watchdog.pid, "SIGKILL");
  await waitFor("the reader gone with it", () => samplerProcesses().length === 0, 10_000).catch(
    (err: Error) => {
      throw new Error(`${err.message}: ${hostProcesses(h).join("; ")}`);
    },
  );
  const reverted = await runCli(["revert", ...fleetArgs(fleet)]);
  assert.equal(reverted.code, 0, reverted.stderr);
  await assertValues(fleet, [h], original, "every knob back");
  assert.deepEqual(journalLeftovers(h), []);
});
