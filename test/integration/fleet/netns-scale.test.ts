// Twenty hosts (the size later suites use): every one reachable at once over strict OpenSSH.
import { test } from "node:test";
import assert from "node:assert/strict";
import { startFleet } from "../../fleet/netns.js";
import { ssh } from "./openssh.js";

test("20 hosts start, all answer 20 parallel ssh sessions with their own hostname, and stop cleanly", async (t) => {
  let started = performance.now();
  const fleet = await startFleet({ count: 20 });
  try {
    const startMs = performance.now() - started;
    started = performance.now();
    const results = await Promise.all(
      fleet.hosts.map((h) => ssh(fleet, h, "hostname; sysctl -n net.netfilter.nf_conntrack_log_invalid")),
    );
    const sshMs = performance.now() - started;
    assert.deepEqual(
      results.map((r) => [r.code, r.stdout]),
      fleet.hosts.map((h) => [0, `${h.name}\n0\n`]),
    );
    started = performance.now();
    await fleet.stop();
    const stopMs = performance.now() - started;
    assert.deepEqual(fleet.leftovers(), []);
    t.diagnostic(
      `start ${startMs.toFixed(0)} ms, 20 parallel ssh ${sshMs.toFixed(0)} ms, stop ${stopMs.toFixed(0)} ms`,
    );
    // Generous bounds: this only guards against a regression to seconds per host.
    assert.ok(startMs < 10_000 && stopMs < 10_000, `start ${startMs} ms, stop ${stopMs} ms`);
  } finally {
    await fleet.stop();
  }
});
