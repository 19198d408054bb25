// The fleet runner (runRollout, and FleetSession's phases on it) cancels an interrupted apply on its host,
// so no command that applies has to remember to. The hosts here are scripted connections; the
// real cancel against kernel state is in test/integration/engine/cancel.test.ts and the CLI tests.
import { test } from "node:test";
import assert from "node:assert/strict";
import { InterruptedApply } from "../../../src/engine/interruptedApply.js";
import { cancelScript } from "../../../src/engine/host/scripts.js";
import type { HostOutcome } from "../../../src/engine/result.js";
import { runRollout } from "../../../src/engine/rollout.js";
import { FleetSession } from "../../../src/engine/session.js";
import { HostError } from "../../../src/errors.js";
import type { HostSpec } from "../../../src/inventory/types.js";
import type { Connection, ExecOptions, Transport } from "../../../src/transport/types.js";

const WINDOW = "20261125T120501-3fa2";

const host = (name: string): HostSpec => ({
  name,
  address: "127.0.0.1",
  port: 22,
  user: "root",
  identityFiles: [],
  groups: [],
  become: false,
  jump: [],
});

/** A transport whose hosts answer every script as a cancel that reverted WINDOW; it counts connections. */
function cancellingTransport() {
  const scripts: { host: string; script: string; timeoutMs?: number }[] = [];
  let connects = 0;
  const transport: Transport = {
    connect: async (h) => {
      connects += 1;
      const conn: Connection = {
        host: h,
        runScript: async (script: string, options?: ExecOptions) => {
          scripts.push({ host: h.name, script, timeoutMs: options?.timeoutMs });
          return { stdout: `@@revert\tdone\t${WINDOW}\n`, stderr: "", code: 0 };
        },
        close() {},
      };
      return conn;
    },
  };
  return { transport, scripts, connects: () => connects };
}

/** The task of an apply whose connection dropped after its script was sent. */
const droppedApply = async (conn: Connection): Promise<HostOutcome> => {
  throw new InterruptedApply(
    new HostError("unreachable", conn.host.name, `${conn.host.name}: connection lost`),
    WINDOW,
    4000,
  );
};

function assertCancelled(outcome: HostOutcome, scripts: { script: string; timeoutMs?: number }[]): void {
  assert.equal(outcome.ok, false);
  assert.equal(outcome.error?.kind, "unreachable", "still reported as the failure it was");
  assert.match(
    outcome.error!.message,
    /connection lost during apply; reconnected and reverted window 20261125T120501-3fa2 there/,
  );
  assert.equal(scripts.length, 1, "one cancel script ran");
  assert.equal(scripts[0].script, cancelScript(WINDOW), "the cancel of the apply's window");
  assert.equal(scripts[0].timeoutMs, 4000, "with the apply's command timeout");
}

test("runRollout cancels an interrupted apply on its host", async () => {
  const { transport, scripts, connects } = cancellingTransport();
  const { outcomes } = await runRollout([host("web1")], transport, { forks: 1 }, droppedApply);
  assertCancelled(outcomes[0], scripts);
  assert.equal(connects(), 2, "the task's connection, then the cancel's own");
});

test("a FleetSession cancels an interrupted apply, and reconnects for a later look at the host", async () => {
  const { transport, scripts, connects } = cancellingTransport();
  const session = new FleetSession([host("web1")], transport, 1);
  const [outcome] = await session.each(droppedApply);
  assertCancelled(outcome, scripts);
  assert.deepEqual(
    session.failed().map((o) => o.error?.message),
    [outcome.error?.message],
  );
  // The lost connection is forgotten: the facts after a run come over a new one.
  const [after] = await session.each(
    async (conn) => ({ host: conn.host.name, ok: true, changed: false, changes: [], error: null }),
    { alsoFailed: true, keepOnFailure: true },
  );
  assert.equal(after.ok, true);
  assert.equal(connects(), 3, "the session's connection, the cancel's, and a new one for the look");
  await session.close();
});

test("other errors are not cancels: no reconnect", async () => {
  const { transport, scripts, connects } = cancellingTransport();
  const {
    outcomes: [outcome],
  } = await runRollout([host("web1")], transport, { forks: 1 }, async (conn) => {
    throw new HostError("locked", conn.host.name, "window w is open");
  });
  assert.deepEqual(outcome.error, { kind: "locked", message: "window w is open" });
  assert.equal(scripts.length, 0);
  assert.equal(connects(), 1);
});
