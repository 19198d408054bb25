// The fleet runner (runRollout, and FleetSession's phases on it) cancels an interrupted apply on
// its host, so no command that applies has to remember to. The hosts here replay a cancel recorded
// on a real kernel (test/fixtures/exchanges/); the cancel against live kernel state is in
// test/integration/engine/cancel.test.ts and the CLI tests.
import { test } from "node:test";
import assert from "node:assert/strict";
import { InterruptedApply } from "../../../src/engine/interruptedApply.js";
import { cancelScript } from "../../../src/engine/host/scripts.js";
import { unchangedOutcome, type HostOutcome } from "../../../src/engine/result.js";
import { runRollout } from "../../../src/engine/rollout.js";
import { FleetSession } from "../../../src/engine/session.js";
import { HostError } from "../../../src/errors.js";
import type { Connection } from "../../../src/transport/types.js";
import { readRecording, recordedExchanges } from "../../support/recordedExchanges.js";
import type { Exchange } from "../../support/replayHost.js";
import { ReplayTransport, replayHostSpec } from "../../support/replayTransport.js";

const recording = readRecording("tcp-invalid-netns");
const WINDOW = recording.cancelled;
const web1 = [replayHostSpec("web1")];

/** web1, which answers the cancel of WINDOW as recorded, and then `more`. */
const cancellingHost = (more: Exchange[] = []) =>
  new ReplayTransport({ web1: [...recordedExchanges(recording, "cancel"), ...more] });

/** The task of an apply whose connection dropped after its script was sent. */
const droppedApply = async (conn: Connection): Promise<HostOutcome> => {
  throw new InterruptedApply(
    new HostError("unreachable", conn.host.name, `${conn.host.name}: connection lost`),
    WINDOW,
    4000,
  );
};

function assertCancelled(outcome: HostOutcome, transport: ReplayTransport): void {
  assert.equal(outcome.ok, false);
  assert.equal(outcome.error?.kind, "unreachable", "still reported as the failure it was");
  assert.equal(
    outcome.error?.message,
    `web1: connection lost during apply; reconnected and reverted window ${WINDOW} there: nothing left changed`,
  );
  const [cancel] = transport.host("web1").sent;
  assert.equal(cancel.script, cancelScript(WINDOW), "the cancel of the apply's window");
  assert.equal(cancel.options.timeoutMs, 4000, "with the apply's command timeout");
}

test("runRollout cancels an interrupted apply on its host", async () => {
  const transport = cancellingHost();
  const { outcomes } = await runRollout(web1, transport, { forks: 1 }, droppedApply);
  assertCancelled(outcomes[0], transport);
  assert.equal(transport.connections.length, 2, "the task's connection, then the cancel's own");
});

test("a FleetSession cancels an interrupted apply, and reconnects for a later look at the host", async () => {
  const transport = cancellingHost([{ expect: "look", stdout: "" }]);
  const session = new FleetSession(web1, transport, 1);
  const [outcome] = await session.each(droppedApply);
  assertCancelled(outcome, transport);
  assert.deepEqual(
    session.failed().map((o) => o.error?.message),
    [outcome.error?.message],
  );
  // The lost connection is forgotten: the facts after a run come over a new one.
  const [after] = await session.each(
    async (conn) => {
      await conn.runScript("look");
      return unchangedOutcome(conn.host.name, { command: "exec" });
    },
    { alsoFailed: true, keepOnFailure: true },
  );
  assert.equal(after.ok, true);
  assert.equal(transport.connections.length, 3, "the session's, the cancel's, and a new one for the look");
  await session.close();
});

test("other errors are not cancels: no reconnect", async () => {
  const transport = new ReplayTransport({ web1: [] });
  const {
    outcomes: [outcome],
  } = await runRollout(web1, transport, { forks: 1 }, async (conn) => {
    throw new HostError("locked", conn.host.name, "window w is open");
  });
  assert.deepEqual(outcome.error, { kind: "locked", message: "window w is open" });
  assert.equal(transport.connections.length, 1);
});
