// The facts round trip and the plan made from it, on a host replaying facts recorded on a real
// kernel (test/fixtures/exchanges/): the script readFacts sends, and what plan makes of the answer.
import { test } from "node:test";
import assert from "node:assert/strict";
import { planHost, planOutcome } from "../../../src/engine/plan.js";
import { readFacts, readFactsScript } from "../../../src/engine/readFacts.js";
import { HostError } from "../../../src/errors.js";
import { readRecording, recordedExchanges } from "../../support/recordedExchanges.js";
import { ReplayTransport, replayHostSpec } from "../../support/replayTransport.js";

const recording = readRecording("tcp-invalid-netns");
const { profile } = recording;
const h1 = replayHostSpec("h1");

async function recordedFacts(step: string) {
  const transport = new ReplayTransport({ h1: recordedExchanges(recording, step) });
  const facts = await readFacts(await transport.connect(h1), profile, 5000);
  return { facts, sent: transport.host("h1").sent };
}

test("readFacts sends the profile's facts script once, with the command timeout", async () => {
  const { sent } = await recordedFacts("plan");
  assert.deepEqual(
    sent.map((s) => [s.script, s.options.timeoutMs]),
    [[readFactsScript(profile), 5000]],
  );
});

test("the plan of a fresh host: the two sysctls the profile sets, from the values the host read", async () => {
  const { facts } = await recordedFacts("plan");
  assert.equal(facts.kernel, recording.kernel);
  const plan = planHost(profile, facts);
  assert.deepEqual(plan.problems, []);
  assert.deepEqual(plan.changes, [
    { knob: "nf_log", key: "net.netfilter.nf_log.10", from: "nf_log_ipv6", to: "NONE" },
    { knob: "log_invalid", key: "net.netfilter.nf_conntrack_log_invalid", from: "0", to: "6" },
  ]);
  assert.deepEqual(planOutcome("h1", plan), {
    command: "plan",
    host: "h1",
    ok: true,
    changed: true,
    changes: plan.changes,
    error: null,
  });
});

test("the plan while this profile's window is open: nothing to change", async () => {
  const { facts } = await recordedFacts("apply-again");
  assert.equal(facts.window?.id, recording.window);
  assert.deepEqual(planHost(profile, facts).steps, []);
});

test("a host without flock or a way to arm the switch cannot be planned for", async () => {
  const { facts } = await recordedFacts("plan");
  const bare = {
    ...facts,
    tools: facts.tools.filter((t) => !["flock", "setsid", "systemd-run"].includes(t)),
  };
  const plan = planHost(profile, bare);
  assert.equal(plan.problems.length, 2);
  assert.throws(
    () => planOutcome("h1", plan),
    (err: HostError) => err.kind === "unsupported" && /flock\(1\) is not installed/.test(err.message),
  );
  assert.equal(planHost(profile, bare, { noTimer: true }).problems.length, 1, "--no-timer: only flock");
});

test("--no-timer with a log budget: a warning that nothing on the host enforces it; budget: off has none", async () => {
  const { facts } = await recordedFacts("plan");
  const budgeted = { ...profile, logInvalid: 6, budget: undefined };
  const warning = (p: typeof profile) =>
    planHost(p, facts, { noTimer: true }).warnings.filter((w) => w.includes("log budget"));
  assert.deepEqual(warning(budgeted), [
    "--no-timer: no dead-man's switch, so nothing on the host enforces the log budget (2,000/s or 5,000,000 lines); only a revert ends this window",
  ]);
  assert.deepEqual(warning({ ...budgeted, budget: "off" }), []);
  assert.deepEqual(
    planHost(budgeted, facts).warnings.filter((w) => w.includes("log budget")),
    [],
    "with a switch",
  );
});
