// Hosts that answer every login with 64 MiB of junk instead of running our script (an
// authorized_keys forced command), among hosts that work: the junk hosts fail with kind protocol
// once they pass the output cap, the others are not held up, and the controller keeps no more than
// about the cap per junk host alive (measured after full garbage collections, not as RSS).
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { performance } from "node:perf_hooks";
import { applyHost } from "../../../src/engine/apply.js";
import { runRollout } from "../../../src/engine/rollout.js";
import type { HostOutcome } from "../../../src/engine/result.js";
import { HostError } from "../../../src/errors.js";
import { BUFFERED_OUTPUT_CAP } from "../../../src/transport/outputCap.js";
import { SshTransport } from "../../../src/transport/sshTransport.js";
import { startFleet, type Fleet, type FleetHost } from "../../fleet/netns.js";
import { runCli } from "../../support/cli.js";
import { sampleLiveMemory } from "../../support/liveMemory.js";
import { fleetArgs } from "../cli/fleetProbe.js";

const MiB = 1024 ** 2;
const SPEW = `head -c ${64 * MiB} /dev/urandom`;

let fleet: Fleet;
let spewing: FleetHost[];
let working: FleetHost[];

before(async () => {
  fleet = await startFleet({ count: 12, sharedHostKey: true });
  spewing = fleet.hosts.slice(0, 8);
  working = fleet.hosts.slice(8);
  for (const h of spewing) await fleet.forceCommand(h, SPEW);
});
after(() => fleet?.stop());

function transport(maxOutputBytes?: number): SshTransport {
  return new SshTransport({
    knownHostsFile: fleet.knownHostsFile,
    globalKnownHostsFiles: [],
    agentSocket: null,
    maxOutputBytes,
  });
}

const mib = (bytes: number) => `${(bytes / MiB).toFixed(1)} MiB`;

test("apply on 8 hosts that spew 64 MiB and 4 that work: protocol failures, 4 windows, bounded memory", async (t) => {
  const started = performance.now();
  const doneAt = new Map<string, number>();
  const memory = sampleLiveMemory();
  const { outcomes } = await runRollout(
    fleet.hosts.map((h) => fleet.hostSpec(h)),
    transport(),
    {
      forks: 200,
      onHostDone: (o) => {
        doneAt.set(o.host, performance.now() - started);
        memory.sample(); // the hosts still spewing hold what they sent so far
      },
    },
    (conn) =>
      applyHost(conn, {
        profile: { name: "tcp-invalid", logInvalid: 6 },
        window: "20261125T120000-0ca9",
        owner: "tester@ctl",
        windowSeconds: 600,
        timeoutMs: 60_000, // the CLI default
      }),
  );
  const live = memory.stop();
  const growth = live.peak - live.baseline;
  const took = (hosts: FleetHost[]) => Math.max(...hosts.map((h) => doneAt.get(h.name) ?? NaN));
  t.diagnostic(
    `live memory: baseline ${mib(live.baseline)}, peak ${mib(live.peak)} (+${mib(growth)}) over ` +
      `${live.samples} samples; working hosts done after ${took(working).toFixed(0)} ms, ` +
      `spewing hosts failed after ${took(spewing).toFixed(0)} ms`,
  );
  const byHost = new Map(outcomes.map((o): [string, HostOutcome] => [o.host, o]));
  for (const h of spewing) {
    const o = byHost.get(h.name)!;
    assert.equal(o.ok, false, `${h.name} spews`);
    assert.equal(o.error?.kind, "protocol", `${h.name}: ${o.error?.message}`);
    assert.match(o.error?.message ?? "", /more than 16 MiB of output for one script.*--max-output SIZE/);
  }
  for (const h of working) {
    const o = byHost.get(h.name)!;
    assert.equal(o.ok, true, `${h.name}: ${o.error?.kind}: ${o.error?.message}`);
    assert.equal(o.changed, true);
  }
  assert.ok(live.samples >= 2);
  // Each junk host may hold up to the cap until it passes it; nothing else grows with its output.
  const bound = spewing.length * BUFFERED_OUTPUT_CAP + 64 * MiB;
  assert.ok(growth < bound, `live memory grew by ${mib(growth)}, more than ${mib(bound)}`);
});

test("streamed reads: past a chosen cap, or a line that never ends, fail with kind protocol", async () => {
  const conn = await transport(4 * MiB).connect(fleet.hostSpec(spewing[0]));
  try {
    let lines = 0;
    await assert.rejects(
      conn.runScript("echo never runs\n", { onStdoutLine: () => void lines++ }),
      (err: unknown) =>
        err instanceof HostError && err.kind === "protocol" && /more than 4 MiB/.test(err.message),
    );
    assert.ok(lines > 0, "lines before the cap were streamed");
  } finally {
    conn.close();
  }
  await fleet.forceCommand(spewing[0], `head -c ${64 * MiB} /dev/zero`);
  const zeros = await transport().connect(fleet.hostSpec(spewing[0]));
  try {
    await assert.rejects(
      zeros.runScript("echo never runs\n", { onStdoutLine: () => assert.fail("no line ends") }),
      (err: unknown) =>
        err instanceof HostError &&
        err.kind === "protocol" &&
        /a line longer than 1,048,576/.test(err.message),
    );
  } finally {
    zeros.close();
    await fleet.forceCommand(spewing[0], SPEW);
  }
});

test("--max-output reaches the transport: a smaller cap names itself; junk is refused as input", async () => {
  const inventory = fleet.writeInventory(`${fleet.dir}/cap.yaml`, [spewing[1], working[0]]);
  const run = await runCli(["facts", ...fleetArgs(fleet, inventory), "--max-output", "512KiB"]);
  assert.equal(run.code, 2, run.stderr);
  const [junk, fine] = [spewing[1], working[0]].map((h) => run.json?.hosts.find((o) => o.host === h.name));
  assert.equal(junk?.error?.kind, "protocol");
  assert.match(junk?.error?.message ?? "", /more than 512 KiB .*--max-output 2MiB/);
  assert.equal(fine?.ok, true, JSON.stringify(fine?.error));

  const bad = await runCli(["facts", ...fleetArgs(fleet, inventory), "--max-output", "lots"]);
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /--max-output: "lots" is not a size/);
});
