// applyHost and revertHost on a host replaying a window's life recorded on a real kernel
// (test/fixtures/exchanges/): the scripts they send, and the outcomes they make of the answers.
// The same scripts against live kernel state: test/integration/engine/hostScripts.test.ts.
import { test } from "node:test";
import assert from "node:assert/strict";
import { applyHost, type ApplyRequest } from "../../../src/engine/apply.js";
import { textfileDirOption } from "../../../src/cli/optionValues.js";
import { planHost } from "../../../src/engine/plan.js";
import { readFacts } from "../../../src/engine/readFacts.js";
import { revertHost } from "../../../src/engine/revert.js";
import { runRollout } from "../../../src/engine/rollout.js";
import { HostError, InputError } from "../../../src/errors.js";
import { type Profile } from "../../../src/profile/types.js";
import {
  readRecording,
  recordedExchanges,
  SCRIPT_MARKERS,
  scriptName,
} from "../../support/recordedExchanges.js";
import type { Exchange } from "../../support/replayHost.js";
import { ReplayTransport, replayHostSpec } from "../../support/replayTransport.js";

const recording = readRecording("tcp-invalid-netns");
const h1 = replayHostSpec("h1");
const request = (window: string, profile: Profile = recording.profile): ApplyRequest => ({
  profile,
  window,
  owner: "tester@ctl",
  windowSeconds: 600,
  timeoutMs: 5000,
});

function replay(exchanges: Exchange[]) {
  const transport = new ReplayTransport({ h1: exchanges });
  return { transport, sent: () => transport.host("h1").sent };
}

test("apply: one round trip, the facts then the apply script; the host's changes are the plan's", async () => {
  const { transport, sent } = replay(recordedExchanges(recording, "plan", "apply"));
  const conn = await transport.connect(h1);
  const plan = planHost(recording.profile, await readFacts(conn, recording.profile));
  const outcome = await applyHost(conn, request(recording.window));
  assert.deepEqual(
    sent().map((s) => scriptName(s.script)),
    ["facts", "facts", "apply"],
  );
  const applyScript = sent()[2].script;
  assert.ok(applyScript.includes(`nfd_begin_lock ${recording.window}`));
  assert.ok(applyScript.includes(`nfd_begin ${recording.window} tester@ctl tcp-invalid 600 timer`));
  assert.ok(applyScript.includes("nfd_textfile_dir /var/lib/prometheus/node-exporter\nnfd_begin "));
  assert.equal(outcome.ok, true);
  assert.equal(outcome.changed, true);
  assert.equal(outcome.window, recording.window);
  assert.deepEqual(outcome.changes, plan.changes);
  assert.ok(outcome.state === "opened");
  assert.equal(outcome.timer, "watchdog");
  assert.match(outcome.expires, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000Z$/);
});

test("apply while this profile's window is open: no apply script, the open window is kept", async () => {
  const { transport, sent } = replay(recordedExchanges(recording, "apply-again"));
  const outcome = await applyHost(await transport.connect(h1), request("20261204T170000-0e09"));
  assert.equal(sent().length, 1, "the facts only");
  assert.ok(outcome.state === "unchanged");
  assert.deepEqual(
    { changed: outcome.changed, window: outcome.window, message: outcome.message },
    { changed: false, window: recording.window, message: "no changes" },
  );
});

test("apply of another profile while a window is open: refused as locked before any change", async () => {
  const { transport, sent } = replay(recordedExchanges(recording, "apply-again"));
  const conn = await transport.connect(h1);
  await assert.rejects(
    applyHost(conn, request("20261204T170000-0e09", { name: "udp", logInvalid: 17 })),
    (err: HostError) =>
      err.kind === "locked" &&
      err.message.startsWith(`window ${recording.window} (profile tcp-invalid) is open, owned by tester@ctl`),
  );
  assert.equal(sent().length, 1, "the facts only");
});

test("revert: the host restores what the apply changed, newest first", async () => {
  const { transport } = replay(recordedExchanges(recording, "revert"));
  const outcome = await revertHost(await transport.connect(h1), { force: false });
  assert.equal(outcome.found, "window");
  assert.equal(outcome.window, recording.window);
  assert.deepEqual(outcome.changes, [
    { knob: "log_invalid", key: "net.netfilter.nf_conntrack_log_invalid", from: "6", to: "0" },
    { knob: "nf_log", key: "net.netfilter.nf_log.10", from: "NONE", to: "nf_log_ipv6" },
  ]);
});

test("an apply whose connection drops after its script went out is cancelled on the host by the runner", async () => {
  const [facts, apply] = recordedExchanges(recording, "apply-cancelled");
  const dropped = { ...apply, fail: new HostError("unreachable", "h1", "h1: connection lost") };
  const { transport, sent } = replay([facts, dropped, ...recordedExchanges(recording, "cancel")]);
  const { outcomes } = await runRollout([h1], transport, { forks: 1 }, (conn) =>
    applyHost(conn, request(recording.cancelled)),
  );
  assert.deepEqual(outcomes[0].error, {
    kind: "unreachable",
    message: `h1: connection lost during apply; reconnected and reverted window ${recording.cancelled} there: nothing left changed`,
  });
  assert.deepEqual(
    sent().map((s) => scriptName(s.script)),
    ["facts", "apply", "cancel"],
  );
  assert.equal(sent()[2].options.timeoutMs, 5000, "the cancel runs with the apply's timeout");
  assert.equal(transport.host("h1").unanswered(), 0);
});

test("a host sent a script it was not expecting fails the task, naming both", async () => {
  const { transport } = replay(recordedExchanges(recording, "revert"));
  const { outcomes } = await runRollout([h1], transport, { forks: 1 }, (conn) =>
    applyHost(conn, request(recording.window)),
  );
  assert.equal(outcomes[0].error?.kind, "internal");
  const message = outcomes[0].error?.message ?? "";
  const expected = `expected one containing ${JSON.stringify(SCRIPT_MARKERS.revert)}`;
  assert.ok(message.startsWith(`UnexpectedScript: h1: unexpected script #1 (${expected}):`), message);
  assert.ok(message.includes("# nfdebug host protocol"), "the start of the script sent");
});

test("--textfile-dir: an absolute path of plain characters, or none; anything else is an input error", () => {
  assert.equal(
    textfileDirOption("/var/lib/node_exporter/textfile_collector"),
    "/var/lib/node_exporter/textfile_collector",
  );
  assert.equal(textfileDirOption("none"), null);
  for (const bad of ["relative/dir", "/a b", "/a/../etc", "/a;rm", "/a$(x)", "", "/a\nb"])
    assert.throws(() => textfileDirOption(bad), InputError, JSON.stringify(bad));
});
