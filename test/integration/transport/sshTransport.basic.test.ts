// SshTransport against a real sshd on 127.0.0.1: scripts, exit codes, concurrency, streaming.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { SshTransport } from "../../../src/transport/sshTransport.js";
import type { HostSpec } from "../../../src/inventory/types.js";
import type { Connection } from "../../../src/transport/types.js";
import { runCleanups } from "./harness/cleanup.js";
import { pinnedKnownHosts, sshdHost } from "./harness/hostSpec.js";
import { scriptCases } from "./harness/scriptCases.js";
import { makeKey, tempDir, type KeyPair } from "./harness/keys.js";
import { knownHostsLine, startSshd, type TestSshd } from "./harness/testSshd.js";
import { createTestUser, type TestUser } from "./harness/testUsers.js";

let dir: string;
let userKey: KeyPair;
let user: TestUser;
let sshd: TestSshd;
let knownHosts: string;
let connection: Connection;

const hostSpec = (overrides: Partial<HostSpec> = {}): HostSpec => sshdHost(sshd, user, userKey, overrides);

before(async () => {
  dir = tempDir();
  userKey = makeKey(dir, "user_ed25519");
  user = createTestUser(dir);
  sshd = await startSshd({ dir, authorizedKeys: [userKey.publicLine] });
  knownHosts = pinnedKnownHosts(dir, sshd);
  const transport = new SshTransport({
    knownHostsFile: knownHosts,
    globalKnownHostsFiles: [],
    agentSocket: null,
  });
  connection = await transport.connect(hostSpec());
});

after(() => {
  connection?.close();
  runCleanups();
});

scriptCases(
  () => connection,
  () => user.name,
);

test("reports death by signal as code null with the signal name", async () => {
  // The login shell (/bin/sh -c 'sh -s') is sshd's child: kill it so sshd reports exit-signal.
  const result = await connection.runScript("kill -TERM $PPID\n");
  assert.equal(result.code, null);
  assert.equal(result.signal, "SIGTERM");
});

/** Most scripts running at one moment, from the start/end times each script printed. */
function maxOverlap(outputs: string[]): number {
  const events = outputs.flatMap((out) => {
    const [start, end] = out.trim().split(/\s+/).map(Number);
    return [
      { t: start!, d: 1 },
      { t: end!, d: -1 },
    ];
  });
  events.sort((a, b) => a.t - b.t || a.d - b.d);
  let now = 0;
  let max = 0;
  for (const e of events) max = Math.max(max, (now += e.d));
  return max;
}

const TIMED_SCRIPT = "date +%s%N; sleep 0.3; date +%s%N\n";

test("25 concurrent scripts on one connection all succeed, never more than 10 at once", async () => {
  const results = await Promise.all(Array.from({ length: 25 }, () => connection.runScript(TIMED_SCRIPT)));
  assert.ok(results.every((r) => r.code === 0 && r.stderr === ""));
  const overlap = maxOverlap(results.map((r) => r.stdout));
  assert.ok(overlap <= 10, `at most 10 at once, saw ${overlap}`);
  assert.ok(overlap >= 5, `they do run in parallel, saw ${overlap}`);
});

test("a server with a lower MaxSessions: the connection learns the limit and every script succeeds", async () => {
  const small = await startSshd({
    dir,
    authorizedKeys: [userKey.publicLine],
    extraConfig: ["MaxSessions 3"],
  });
  writeFileSync(knownHosts, knownHostsLine(sshd) + "\n" + knownHostsLine(small) + "\n");
  const transport = new SshTransport({
    knownHostsFile: knownHosts,
    globalKnownHostsFiles: [],
    agentSocket: null,
  });
  const conn = await transport.connect(hostSpec({ name: "small", port: small.port }));
  try {
    const results = await Promise.all(Array.from({ length: 12 }, () => conn.runScript(TIMED_SCRIPT)));
    assert.ok(results.every((r) => r.code === 0));
    assert.ok(maxOverlap(results.map((r) => r.stdout)) <= 3);
  } finally {
    conn.close();
    small.stop();
  }
});

test("a stream the controller reads slowly keeps its connection: data from the server counts as alive, as in OpenSSH", async () => {
  // Keepalives every 100 ms, dropped after 2 unanswered. The handler below reads slower than the
  // host writes, so megabytes queue in the channel window and socket buffers, with each keepalive
  // reply behind them: ssh2 alone counts those as unanswered and drops a working connection.
  const transport = new SshTransport({
    knownHostsFile: knownHosts,
    globalKnownHostsFiles: [],
    agentSocket: null,
    keepaliveIntervalMs: 100,
    keepaliveCountMax: 2,
  });
  const slow = await transport.connect(hostSpec({ name: "t-slow" }));
  try {
    let lines = 0;
    const result = await slow.runScript(
      "i=0; while [ $i -lt 40 ]; do head -c 100000 /dev/zero | tr '\\0' x | fold -w 1000; echo; i=$((i+1)); done\n",
      {
        timeoutMs: 60_000,
        onStdoutLine: () => {
          // 4,000 lines: a busy-wait of 1 ms each, 4 s in all, far past 2 keepalive intervals.
          const until = performance.now() + 1;
          while (performance.now() < until);
          lines++;
        },
      },
    );
    assert.equal(result.code, 0);
    assert.equal(lines, 4000);
  } finally {
    slow.close();
  }
});
