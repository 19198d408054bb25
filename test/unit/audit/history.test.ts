// The controller's audit trail: where it lives, how lines are appended, and which events each
// command's outcomes become. Outcomes are made by the engine's own interpreters from host output
// in the scripts' "@@" format, so a change there shows up here.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { replayHostSpec } from "../../support/replayTransport.js";
import { appendHistory, historyPath, type HistoryEntry } from "../../../src/audit/history.js";
import { applyHistory, extendHistory, revertHistory, runHistory } from "../../../src/audit/events.js";
import { interpretApply } from "../../../src/engine/apply.js";
import { interpretRevert } from "../../../src/engine/revert.js";
import { extendHost } from "../../../src/engine/extend.js";
import { cancelInterruptedApply } from "../../../src/engine/cancel.js";
import { InterruptedApply } from "../../../src/engine/interruptedApply.js";
import { failedOutcome, type HostOutcome } from "../../../src/engine/result.js";
import type { ApplyOutcome, FailedOutcome } from "../../../src/engine/outcomes.js";
import { HostError } from "../../../src/errors.js";
import type { Connection, Transport } from "../../../src/transport/types.js";

const WINDOW = "20261125T120501-3fa2";
const NOW = new Date("2026-11-25T12:05:09.000Z");
const CTX = { window: WINDOW, profile: "tcp-invalid", now: NOW, actor: "alice@controller" };

function outcomeOf<O extends HostOutcome>(run: () => O, host: string): O | FailedOutcome {
  try {
    return run();
  } catch (err) {
    return failedOutcome(host, err);
  }
}

/** A host where apply opened WINDOW. */
const opened = (name: string, details: { reverted_on_abort?: boolean } = {}): ApplyOutcome => ({
  command: "apply",
  host: name,
  ok: true,
  changed: true,
  changes: [],
  error: null,
  state: "opened",
  window: WINDOW,
  expires: "2026-11-25T12:15:09.000Z",
  ...details,
});

const host = replayHostSpec;

/** A connection whose scripts print `stdout`: enough for the engine's interpreters. */
function scriptedConnection(name: string, stdout: string): Connection {
  return { host: host(name), runScript: async () => ({ stdout, stderr: "", code: 0 }), close() {} };
}

test("the trail lives under $XDG_STATE_HOME, else ~/.local/state (a relative XDG_STATE_HOME is ignored)", () => {
  assert.equal(
    historyPath({ XDG_STATE_HOME: "/var/state", HOME: "/home/a" }),
    "/var/state/nfdebug/history.jsonl",
  );
  assert.equal(historyPath({ HOME: "/home/a" }), "/home/a/.local/state/nfdebug/history.jsonl");
  assert.equal(
    historyPath({ XDG_STATE_HOME: "", HOME: "/home/a" }),
    "/home/a/.local/state/nfdebug/history.jsonl",
  );
  assert.equal(
    historyPath({ XDG_STATE_HOME: "state", HOME: "/home/a" }),
    "/home/a/.local/state/nfdebug/history.jsonl",
  );
});

test("appendHistory appends one JSON line per entry to a private file, and only warns when it cannot", () => {
  const dir = mkdtempSync(join(tmpdir(), "nfd-audit-"));
  try {
    const env = { XDG_STATE_HOME: join(dir, "state") };
    const warnings: string[] = [];
    const warn = (m: string) => warnings.push(m);
    const [first, second] = applyHistory([opened("web1"), opened("web2")], CTX);
    appendHistory([first], { env, warn });
    appendHistory([second], { env, warn });
    appendHistory([], { env, warn });
    const file = historyPath(env);
    const lines = readFileSync(file, "utf8").split("\n");
    assert.equal(lines.pop(), "", "the file ends with a newline");
    assert.deepEqual(
      lines.map((l) => JSON.parse(l) as HistoryEntry),
      [first, second],
    );
    assert.equal(statSync(file).mode & 0o777, 0o600);
    assert.equal(statSync(join(dir, "state", "nfdebug")).mode & 0o777, 0o700);
    assert.deepEqual(warnings, []);

    writeFileSync(join(dir, "not-a-dir"), "");
    appendHistory([first], { env: { XDG_STATE_HOME: join(dir, "not-a-dir") }, warn });
    assert.equal(warnings.length, 1);
    assert.match(
      warnings[0],
      /could not append to the audit trail .*not-a-dir\/nfdebug\/history\.jsonl \(ENOTDIR\); 1 event\(s\) not recorded/,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("apply: opened, joined, unchanged, refused and failed hosts, each with its window, profile and change count", () => {
  const opened = interpretApply(
    "web1",
    "@@change\tsysctl:log_invalid\tnet/netfilter/nf_conntrack_log_invalid\t0\t6\n@@change\tsysctl:nf_log\tnet/netfilter/nf_log/10\tnf_log_ipv6\tNONE\n@@timer\twatchdog\t4242\n@@done\topened\t20261125T120501-3fa2\t1795608796\n",
    "",
    0,
  );
  const joined = interpretApply("web2", `@@done\tsame\t20261125T110000-0001\t1795608000\n`, "", 0);
  const unchanged = interpretApply("web3", "@@done\tnochange\n", "", 0);
  const refused = outcomeOf(
    () => interpretApply("web4", "@@refused\t20261125T110000-0002\tbob@laptop\tother\t1795608000\n", "", 0),
    "web4",
  );
  const unreachable = failedOutcome(
    "web5",
    new HostError("unreachable", "web5", "web5: cannot connect to 192.0.2.5:22: connection refused"),
  );
  const entries = applyHistory([opened, joined, unchanged, refused, unreachable], CTX);
  const common = {
    time: NOW.toISOString(),
    actor: "alice@controller",
    command: "apply",
    profile: "tcp-invalid",
  };
  assert.deepEqual(entries, [
    {
      ...common,
      window: WINDOW,
      host: "web1",
      event: "opened",
      outcome: "ok",
      error_kind: null,
      changes: 2,
      expires: "2026-11-25T12:13:16.000Z",
    },
    {
      ...common,
      window: "20261125T110000-0001",
      host: "web2",
      event: "joined",
      outcome: "ok",
      error_kind: null,
      changes: 0,
      expires: "2026-11-25T12:00:00.000Z",
    },
    {
      ...common,
      window: null,
      host: "web3",
      event: "unchanged",
      outcome: "ok",
      error_kind: null,
      changes: 0,
    },
    {
      ...common,
      window: WINDOW,
      host: "web4",
      event: "refused",
      outcome: "failed",
      error_kind: "locked",
      changes: 0,
    },
    {
      ...common,
      window: WINDOW,
      host: "web5",
      event: "failed",
      outcome: "failed",
      error_kind: "unreachable",
      changes: 0,
    },
  ]);
});

test("apply: a rollout abort's revert and the cancel after a dropped connection get their own lines", async () => {
  const aborted = opened("web1", { reverted_on_abort: true });
  const stuck = opened("web2", { reverted_on_abort: false });
  // The messages cancelInterruptedApply really produces, for each way the cancel can end.
  const lost = new InterruptedApply(new HostError("unreachable", "web3", "connection lost"), WINDOW);
  const reconnect = (stdout: string | null): Transport => ({
    connect: async (h) => {
      if (stdout === null) throw new HostError("unreachable", h.name, "connection refused");
      return scriptedConnection(h.name, stdout);
    },
  });
  const cancelled = async (name: string, stdout: string | null) =>
    failedOutcome(
      name,
      await cancelInterruptedApply(reconnect(stdout), host(name), lost).catch((e: unknown) => e),
    );
  const outcomes = [
    aborted,
    stuck,
    await cancelled("web3", `@@revert\tdone\t${WINDOW}\n`),
    await cancelled("web4", "@@revert\tnone\n"),
    await cancelled("web5", null),
  ];
  const events = applyHistory(outcomes, CTX).map((e) => [
    e.command,
    e.host,
    e.event,
    e.outcome,
    e.error_kind,
  ]);
  assert.deepEqual(events, [
    ["apply", "web1", "opened", "ok", null],
    ["apply", "web1", "reverted", "ok", null],
    ["apply", "web2", "opened", "ok", null],
    ["apply", "web2", "revert-failed", "failed", null],
    ["apply", "web3", "failed", "failed", "unreachable"],
    ["apply", "web4", "failed", "failed", "unreachable"],
    ["apply", "web5", "failed", "failed", "unreachable"],
    ["cancel", "web3", "reverted", "ok", null],
    ["cancel", "web4", "prevented", "ok", null],
    ["cancel", "web5", "failed", "failed", "unreachable"],
  ]);
});

test("revert: reverted, closed, none, other and drift", () => {
  const reverted = interpretRevert(
    "a",
    `@@restored\tsysctl:log_invalid\tnet/netfilter/nf_conntrack_log_invalid\t6\t0\n@@revert\tdone\t${WINDOW}\n`,
    "",
    0,
  );
  const closed = interpretRevert("b", `@@revert\tdone\t${WINDOW}\n`, "", 0);
  const none = interpretRevert("c", "@@revert\tnone\n", "", 0);
  const other = interpretRevert("d", "@@revert\tother\t20261125T110000-0001\n", "", 0);
  const drift = outcomeOf(
    () =>
      interpretRevert(
        "e",
        `@@drift\tsysctl:log_invalid\tnet/netfilter/nf_conntrack_log_invalid\t1\t6\n@@revert\tdrift\t${WINDOW}\n`,
        "",
        0,
      ),
    "e",
  );
  const asked = revertHistory([reverted, closed, none, other, drift], {
    window: WINDOW,
    now: NOW,
    actor: "alice@controller",
  });
  assert.deepEqual(
    asked.map((e) => [e.host, e.event, e.window, e.outcome, e.error_kind, e.changes, e.profile]),
    [
      ["a", "reverted", WINDOW, "ok", null, 1, null],
      ["b", "closed", WINDOW, "ok", null, 0, null],
      ["c", "none", WINDOW, "ok", null, 0, null],
      ["d", "other", WINDOW, "ok", null, 0, null],
      ["e", "failed", WINDOW, "failed", "drift", 0, null],
    ],
  );
  // Without --window, "other" cannot happen and "none" has no window.
  const any = revertHistory([none, reverted], { now: NOW });
  assert.deepEqual(
    any.map((e) => [e.event, e.window]),
    [
      ["none", null],
      ["reverted", WINDOW],
    ],
  );
  assert.ok(any.every((e) => e.command === "revert" && e.actor.includes("@")));
});

test("extend: extended with the new expiry, none, other, expired, failed", async () => {
  const run = (name: string, stdout: string) =>
    extendHost(scriptedConnection(name, stdout), WINDOW, 600).catch((e: unknown) => failedOutcome(name, e));
  const outcomes = [
    await run("a", `@@extend\tdone\t${WINDOW}\t1795609396\t1795608796\n`),
    await run("b", "@@extend\tnone\n"),
    await run("c", "@@extend\tother\t20261125T110000-0001\n"),
    await run("d", "@@locked\tanother nfdebug run holds the lock on this host (pid 7)\n"),
    await run("e", `@@overdue-revert\tdone\t${WINDOW}\n@@extend\texpired\t${WINDOW}\n`),
  ];
  assert.deepEqual(
    extendHistory(outcomes, { window: WINDOW, now: NOW }).map((e) => [
      e.host,
      e.event,
      e.outcome,
      e.error_kind,
      e.expires,
    ]),
    [
      ["a", "extended", "ok", null, "2026-11-25T12:23:16.000Z"],
      ["b", "none", "ok", null, undefined],
      ["c", "other", "ok", null, undefined],
      ["d", "failed", "failed", "locked", undefined],
      ["e", "expired", "ok", null, undefined],
    ],
  );
});

test("run: how each host's window opened and ended; the host's outcome sits on its first line", () => {
  const entries = runHistory(
    [
      { name: "a", ok: true, changes: [{}, {}], applied: true, reverted: true },
      { name: "b", ok: false, error: { kind: "remote" }, changes: [{}], applied: true, reverted: true },
      { name: "c", ok: true, changes: [{}], applied: true, reverted: "expired" },
      { name: "d", ok: false, error: { kind: "timeout" }, changes: [{}], applied: true, reverted: "failed" },
      { name: "e", ok: false, error: { kind: "auth" }, changes: [], applied: false, reverted: false },
      { name: "f", ok: true, changes: [], applied: false, reverted: false },
    ],
    { window: WINDOW, profile: "tcp-invalid", now: NOW },
  );
  assert.deepEqual(
    entries.map((e) => [e.host, e.event, e.window, e.outcome, e.error_kind, e.changes]),
    [
      ["a", "opened", WINDOW, "ok", null, 2],
      ["a", "reverted", WINDOW, "ok", null, 0],
      ["b", "opened", WINDOW, "failed", "remote", 1],
      ["b", "reverted", WINDOW, "ok", null, 0],
      ["c", "opened", WINDOW, "ok", null, 1],
      ["c", "expired", WINDOW, "ok", null, 0],
      ["d", "opened", WINDOW, "failed", "timeout", 1],
      ["d", "revert-failed", WINDOW, "failed", null, 0],
      ["e", "failed", null, "failed", "auth", 0],
      ["f", "unchanged", null, "ok", null, 0],
    ],
  );
  assert.ok(entries.every((e) => e.command === "run" && e.profile === "tcp-invalid"));
});

test("run: a window its host reverted over its log budget is tripped, not a failure, with its measure", () => {
  const trip = { at: "2026-12-06T14:03:07.000Z", kind: "rate" as const, measured: 18400, limit: "2000/s" };
  const entries = runHistory(
    [{ name: "h12", ok: true, changes: [{}], applied: true, reverted: "tripped", trip }],
    {
      window: WINDOW,
      profile: "tcp-invalid",
      now: NOW,
    },
  );
  assert.deepEqual(
    entries.map((e) => [e.event, e.outcome, e.trip, e.message]),
    [
      ["opened", "ok", undefined, undefined],
      ["tripped", "ok", trip, "window tripped its budget on h12 at 14:03:07: 18,400 lines/s > 2,000/s"],
    ],
  );
});

test("run: a host whose apply dropped gets the engine's cancel on the trail, as apply does", async () => {
  const lost = new InterruptedApply(new HostError("unreachable", "g", "connection lost"), WINDOW);
  const reconnect: Transport = { connect: async (h) => scriptedConnection(h.name, "@@revert\tnone\n") };
  const { error, cancel } = failedOutcome(
    "g",
    await cancelInterruptedApply(reconnect, host("g"), lost).catch((e: unknown) => e),
  );
  const entries = runHistory(
    [{ name: "g", ok: false, error, cancel, changes: [], applied: false, reverted: false }],
    { window: WINDOW, profile: "tcp-invalid", now: NOW },
  );
  assert.deepEqual(
    entries.map((e) => [e.command, e.host, e.event, e.window, e.outcome, e.error_kind]),
    [
      ["run", "g", "failed", null, "failed", "unreachable"],
      ["cancel", "g", "prevented", WINDOW, "ok", null],
    ],
  );
});

test("entries carry a closed set of fields: no error message, so nothing a host or a key printed", () => {
  const secret = "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n/run/user/0/ssh-agent.sock";
  const outcome = failedOutcome("web1", new HostError("auth", "web1", secret));
  for (const entry of [
    ...applyHistory([outcome], CTX),
    ...revertHistory([outcome], CTX),
    ...extendHistory([outcome], CTX),
  ]) {
    assert.deepEqual(Object.keys(entry).sort(), [
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
    ]);
    const line = JSON.stringify(entry);
    assert.ok(
      !line.includes("PRIVATE KEY") && !line.includes("b3BlbnNz") && !line.includes("ssh-agent"),
      line,
    );
  }
});
