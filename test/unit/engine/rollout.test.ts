// The fleet runner (runRollout) on replayed hosts: its bound on hosts in flight, the rollout
// controls (serial window, canary and confirm, failure budget), and what a host that fails or
// cannot be reached does to the others.
import { test } from "node:test";
import assert from "node:assert/strict";
import { HostError } from "../../../src/errors.js";
import { unchangedOutcome } from "../../../src/engine/result.js";
import type { ExecOutcome } from "../../../src/engine/outcomes.js";
import { runRollout, type RolloutOptions } from "../../../src/engine/rollout.js";
import type { Connection } from "../../../src/transport/types.js";
import type { Exchange } from "../../support/replayHost.js";
import { ReplayTransport, replayHostSpec } from "../../support/replayTransport.js";

const names = (n: number) => Array.from({ length: n }, (_, i) => `h${i + 1}`);
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A probe's outcome: what the host said. */
type ProbeOutcome = ExecOutcome & { said: string };

/** Hosts that each answer one probe, after `delayMs(host)`; those in `failing` exit 1. */
function fleet(hosts: string[], options: { failing?: string[]; delayMs?: (host: string) => number } = {}) {
  const exchanges: Record<string, Exchange[]> = {};
  for (const name of hosts)
    exchanges[name] = [
      {
        expect: "probe",
        stdout: `${name}\n`,
        code: options.failing?.includes(name) ? 1 : 0,
        after: () => pause(options.delayMs?.(name) ?? 5),
      },
    ];
  return new ReplayTransport(exchanges);
}

/** Runs a probe on each host; counts the hosts in flight and the order they start and end in. */
async function probe(
  transport: ReplayTransport,
  hosts: string[],
  options: Omit<RolloutOptions<ProbeOutcome>, "onHostStart" | "onHostDone"> = { forks: 10 },
) {
  let inFlight = 0;
  let mostInFlight = 0;
  const started: string[] = [];
  const done: string[] = [];
  const task = async (conn: Connection): Promise<ProbeOutcome> => {
    const r = await conn.runScript("probe");
    if (r.code !== 0) throw new HostError("remote", conn.host.name, `probe exited with ${r.code}`);
    return unchangedOutcome(conn.host.name, { command: "exec", said: r.stdout.trim() });
  };
  const result = await runRollout(
    hosts.map(replayHostSpec),
    transport,
    {
      ...options,
      onHostStart: (h) => {
        started.push(h.name);
        mostInFlight = Math.max(mostInFlight, ++inFlight);
      },
      onHostDone: (o) => {
        done.push(o.host);
        inFlight -= 1;
      },
    },
    task,
  );
  return { ...result, mostInFlight, started, done };
}

test("at most --forks hosts run at once, and every host runs", async () => {
  const hosts = names(7);
  const run = await probe(fleet(hosts), hosts, { forks: 3 });
  assert.equal(run.mostInFlight, 3);
  assert.deepEqual(
    run.outcomes.map((o) => (o.ok ? o.said : o.error.message)),
    hosts,
  );
  assert.equal(run.aborted, null);
});

test("--serial narrows the hosts in flight below --forks, starting them in inventory order", async () => {
  const hosts = names(4);
  const run = await probe(fleet(hosts), hosts, { forks: 10, serial: 1 });
  assert.equal(run.mostInFlight, 1);
  assert.deepEqual(run.started, hosts);
});

test("outcomes come in the order of the hosts, not of their finishing", async () => {
  const hosts = names(4);
  const transport = fleet(hosts, { delayMs: (h) => (h === "h1" ? 40 : 1) });
  const run = await probe(transport, hosts, { forks: 4 });
  assert.equal(run.done.at(-1), "h1", "h1 finished last");
  assert.deepEqual(
    run.outcomes.map((o) => o.host),
    hosts,
  );
});

test("a declined canary: the other hosts are not started, and say why", async () => {
  const hosts = names(4);
  const transport = fleet(hosts);
  const seen: string[][] = [];
  const run = await probe(transport, hosts, {
    forks: 10,
    canary: 1,
    confirm: async (canaries) => {
      seen.push(canaries.map((o) => `${o.host}:${o.ok}`));
      return false;
    },
  });
  assert.deepEqual(seen, [["h1:true"]], "confirm is asked once, with the canary's outcome");
  assert.equal(run.aborted, "stopped after the canary hosts");
  assert.deepEqual(run.started, ["h1"]);
  assert.deepEqual(run.done, ["h1"], "hosts not started report no progress");
  assert.equal(transport.connections.length, 1, "no other host was connected to");
  assert.equal(run.outcomes[0].ok, true);
  for (const o of run.outcomes.slice(1))
    assert.deepEqual(o.error, { kind: "aborted", message: "not started: stopped after the canary hosts" });
});

test("a canary gate that says why it stops: that reason stops the rollout and is each other host's", async () => {
  const hosts = names(3);
  const why = "canary h1 tripped its log budget";
  const run = await probe(fleet(hosts), hosts, { forks: 10, canary: 1, confirm: async () => why });
  assert.equal(run.aborted, why);
  assert.deepEqual(run.started, ["h1"]);
  for (const o of run.outcomes.slice(1))
    assert.deepEqual(o.error, { kind: "aborted", message: `not started: ${why}` });
});

test("a confirmed canary: the rest of the hosts run", async () => {
  const hosts = names(3);
  const run = await probe(fleet(hosts), hosts, { forks: 10, canary: 1, confirm: async () => true });
  assert.equal(run.aborted, null);
  assert.deepEqual(
    run.outcomes.map((o) => o.ok),
    [true, true, true],
  );
});

test("one failure more than --max-fail stops the rollout: the hosts after it are not started", async () => {
  const hosts = names(5);
  const run = await probe(fleet(hosts, { failing: ["h1", "h2"] }), hosts, {
    forks: 10,
    serial: 1,
    maxFail: 1,
  });
  assert.equal(run.aborted, "more than 1 host(s) failed");
  assert.deepEqual(run.started, ["h1", "h2"]);
  assert.deepEqual(
    run.outcomes.map((o) => o.error?.kind ?? "ok"),
    ["remote", "remote", "aborted", "aborted", "aborted"],
  );
});

test("failures within --max-fail do not stop the rollout", async () => {
  const hosts = names(3);
  const run = await probe(fleet(hosts, { failing: ["h1"] }), hosts, { forks: 10, serial: 1, maxFail: 1 });
  assert.equal(run.aborted, null);
  assert.deepEqual(run.started, hosts);
});

test("a host that cannot be reached fails as unreachable; the others run", async () => {
  const hosts = names(3);
  const transport = fleet(hosts);
  transport.unreachable.add("h2");
  const run = await probe(transport, hosts, { forks: 2 });
  assert.deepEqual(run.outcomes[1].error, {
    kind: "unreachable",
    message: "h2: connect ECONNREFUSED 127.0.0.1:22",
  });
  assert.deepEqual(
    run.outcomes.map((o) => o.ok),
    [true, false, true],
  );
  assert.deepEqual(run.done.sort(), hosts, "onHostDone for the unreachable host too");
});

test("each task has a connection of its own, closed when the task is done", async () => {
  const hosts = names(3);
  const transport = fleet(hosts);
  await probe(transport, hosts, { forks: 3 });
  assert.deepEqual(
    transport.connections.map((c) => [c.host.name, c.closed]),
    hosts.map((h) => [h, true]),
  );
});
