// FleetSession on replayed hosts: one connection per host across phases, a host that failed a
// phase left out of the later ones (unless the phase may fail, or a look asks for it), and a lost
// connection replaced for the next look.
import { test } from "node:test";
import assert from "node:assert/strict";
import { HostError } from "../../../src/errors.js";
import { unchangedOutcome } from "../../../src/engine/result.js";
import { FleetSession } from "../../../src/engine/session.js";
import type { Connection } from "../../../src/transport/types.js";
import type { Exchange } from "../../support/replayHost.js";
import { ReplayTransport, replayHostSpec } from "../../support/replayTransport.js";

const ok = (phase: string): Exchange => ({ expect: phase, stdout: "done\n" });
const fails = (phase: string): Exchange => ({ expect: phase, stderr: `${phase} broke\n`, code: 1 });

/** A phase's task: runs the script named `phase`, failing the host when it exits non-zero. */
const phase = (name: string) => async (conn: Connection) => {
  const r = await conn.runScript(name);
  if (r.code !== 0) throw new HostError("remote", conn.host.name, r.stderr.trim());
  return unchangedOutcome(conn.host.name, { command: "exec" });
};

function session(exchanges: Record<string, Exchange[]>) {
  const transport = new ReplayTransport(exchanges);
  const hosts = Object.keys(exchanges).map(replayHostSpec);
  return { transport, session: new FleetSession(hosts, transport, 2) };
}

test("a host that fails a phase is left out of the later ones and keeps its error", async () => {
  const { transport, session: s } = session({
    a: [ok("apply"), ok("exec")],
    b: [fails("apply")],
    c: [ok("apply"), ok("exec")],
  });
  await s.each(phase("apply"));
  const later = await s.each(phase("exec"));
  assert.deepEqual(
    later.map((o) => o.host),
    ["a", "c"],
  );
  assert.deepEqual(
    s.alive().map((h) => h.name),
    ["a", "c"],
  );
  assert.deepEqual(
    s.failed().map((o) => [o.host, o.error?.message]),
    [["b", "apply broke"]],
  );
  assert.equal(transport.host("b").sent.length, 1, "b was sent nothing after its failure");
});

test("keepOnFailure: a phase that may fail does not drop the host", async () => {
  const { session: s } = session({ a: [fails("collect"), ok("revert")] });
  const [collected] = await s.each(phase("collect"), { keepOnFailure: true });
  assert.equal(collected.ok, false);
  assert.deepEqual(s.failed(), []);
  const [reverted] = await s.each(phase("revert"));
  assert.equal(reverted.ok, true);
});

test("alsoFailed: a look at the hosts that failed too; their first error stays", async () => {
  const { session: s } = session({ a: [ok("apply"), ok("facts")], b: [fails("apply"), fails("facts")] });
  await s.each(phase("apply"));
  const looked = await s.each(phase("facts"), { alsoFailed: true, keepOnFailure: true });
  assert.deepEqual(
    looked.map((o) => o.host),
    ["a", "b"],
  );
  assert.deepEqual(
    s.failed().map((o) => o.error?.message),
    ["apply broke"],
  );
});

test("only: a phase on some of the live hosts", async () => {
  const { transport, session: s } = session({ a: [ok("exec")], b: [] });
  const outcomes = await s.each(phase("exec"), { only: [replayHostSpec("a")] });
  assert.deepEqual(
    outcomes.map((o) => o.host),
    ["a"],
  );
  assert.equal(transport.host("b").sent.length, 0);
});

test("one connection per host for every phase, closed with the session", async () => {
  const { transport, session: s } = session({ a: [ok("apply"), ok("exec")], b: [ok("apply"), ok("exec")] });
  await s.each(phase("apply"));
  await s.each(phase("exec"));
  assert.deepEqual(
    transport.connections.map((c) => [c.host.name, c.closed]),
    [
      ["a", false],
      ["b", false],
    ],
  );
  await s.close();
  assert.ok(transport.connections.every((c) => c.closed));
});

test("a lost connection is replaced for the next phase; a timed-out script keeps it", async () => {
  const lost = new HostError("unreachable", "a", "a: connection lost");
  const timedOut = new HostError("timeout", "b", "b: the script did not finish within 10 ms");
  const { transport, session: s } = session({
    a: [{ expect: "exec", fail: lost }, ok("facts")],
    b: [{ expect: "exec", fail: timedOut }, ok("facts")],
  });
  await s.each(phase("exec"));
  const [a, b] = await s.each(phase("facts"), { alsoFailed: true });
  assert.equal(a.ok, true, "a answered over a new connection");
  assert.equal(b.ok, true, "b answered over the same one");
  assert.deepEqual(
    transport.connections.map((c) => [c.host.name, c.closed]),
    [
      ["a", true],
      ["b", false],
      ["a", false],
    ],
  );
  assert.deepEqual(
    s.failed().map((o) => o.error?.kind),
    ["unreachable", "timeout"],
  );
  await s.close();
});

test("a host that cannot be reached fails its first phase and is not retried", async () => {
  const { transport, session: s } = session({ a: [ok("apply"), ok("exec")], b: [] });
  transport.unreachable.add("b");
  const first = await s.each(phase("apply"));
  assert.deepEqual(
    first.map((o) => o.error?.kind ?? "ok"),
    ["ok", "unreachable"],
  );
  const second = await s.each(phase("exec"));
  assert.deepEqual(
    second.map((o) => o.host),
    ["a"],
  );
  await s.close();
});
