// SshTransport against a real sshd on 127.0.0.1: scripts, exit codes, concurrency, streaming.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { SshTransport } from "../../../src/transport/sshTransport.js";
import type { HostSpec } from "../../../src/inventory/types.js";
import type { Connection } from "../../../src/transport/types.js";
import { HostError } from "../../../src/errors.js";
import { runCleanups } from "./harness/cleanup.js";
import { makeKey, tempDir, type KeyPair } from "./harness/keys.js";
import { knownHostsLine, startSshd, type TestSshd } from "./harness/testSshd.js";
import { createTestUser, type TestUser } from "./harness/testUsers.js";

let dir: string;
let userKey: KeyPair;
let user: TestUser;
let sshd: TestSshd;
let knownHosts: string;
let connection: Connection;

function hostSpec(overrides: Partial<HostSpec> = {}): HostSpec {
  return {
    name: "t1",
    address: sshd.address,
    port: sshd.port,
    user: user.name,
    identityFiles: [userKey.privateFile],
    groups: [],
    become: false,
    jump: [],
    ...overrides,
  };
}

before(async () => {
  dir = tempDir();
  userKey = makeKey(dir, "user_ed25519");
  user = createTestUser(dir);
  sshd = await startSshd({ dir, authorizedKeys: [userKey.publicLine] });
  knownHosts = join(dir, "known_hosts");
  writeFileSync(knownHosts, knownHostsLine(sshd) + "\n");
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

test("runs a script through sh -s and returns stdout, stderr and the exit code", async () => {
  const result = await connection.runScript("echo out; echo err >&2; id -un; exit 3\n");
  assert.equal(result.stdout, `out\n${user.name}\n`);
  assert.equal(result.stderr, "err\n");
  assert.equal(result.code, 3);
});

test("the script arrives byte for byte on stdin (quotes, dollars, backslashes, UTF-8)", async () => {
  const text = `it's "q" $HOME \\n \`x\` ünïcødé`;
  const result = await connection.runScript(`cat <<'EOF'\n${text}\nEOF\n`);
  assert.equal(result.stdout, text + "\n");
});

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

test("streams 100,000 lines to onStdoutLine without collecting stdout", async () => {
  let count = 0;
  let lastLine = "";
  let inOrder = true;
  const result = await connection.runScript(
    'i=1; while [ $i -le 100000 ]; do echo "line $i"; i=$((i+1)); done\n',
    {
      timeoutMs: 60_000,
      onStdoutLine: (line) => {
        count++;
        if (line !== `line ${count}`) inOrder = false;
        lastLine = line;
      },
    },
  );
  assert.equal(result.code, 0);
  assert.equal(result.stdout, "");
  assert.equal(count, 100_000);
  assert.equal(lastLine, "line 100000");
  assert.ok(inOrder, "every line arrives whole and in order");
});

test("a last line without newline still reaches onStdoutLine", async () => {
  const lines: string[] = [];
  await connection.runScript("printf 'a\\nb'\n", { onStdoutLine: (l) => lines.push(l) });
  assert.deepEqual(lines, ["a", "b"]);
});

test("a command that runs too long fails with kind timeout, and the connection stays usable", async () => {
  const started = Date.now();
  await assert.rejects(connection.runScript("sleep 30\n", { timeoutMs: 500 }), (err: unknown) => {
    assert.ok(err instanceof HostError);
    assert.equal(err.kind, "timeout");
    assert.match(err.message, /t1: the script did not finish within 500 ms/);
    return true;
  });
  assert.ok(Date.now() - started < 5_000);
  const after = await connection.runScript("echo still here\n");
  assert.equal(after.stdout, "still here\n");
});

test("a streamed read is timed from its last output: one that keeps sending outlasts its timeout, one that falls silent fails", async () => {
  const lines: string[] = [];
  // 8 lines 200 ms apart: 1.6 s in all against a 600 ms timeout.
  const steady = await connection.runScript(
    "i=1; while [ $i -le 8 ]; do echo tick $i; sleep 0.2; i=$((i+1)); done\n",
    { timeoutMs: 600, onStdoutLine: (l) => lines.push(l) },
  );
  assert.equal(steady.code, 0);
  assert.equal(lines.length, 8);

  const started = Date.now();
  await assert.rejects(
    connection.runScript("echo first; sleep 30\n", { timeoutMs: 600, onStdoutLine: () => undefined }),
    (err: unknown) => {
      assert.ok(err instanceof HostError);
      assert.equal(err.kind, "timeout");
      assert.match(err.message, /t1: the script sent no output for 600 ms/);
      return true;
    },
  );
  assert.ok(Date.now() - started < 5_000);
});
test("followUp: the second script runs in the same shell, chosen from the first one's output", async () => {
  let seen = "";
  const result = await connection.runScript("FIRST=$$; echo pid=$$; echo @@marker\n", {
    followUp: {
      afterLine: "@@marker",
      next: (stdout) => {
        seen = stdout;
        return 'echo "same shell: $([ "$FIRST" = $$ ] && echo yes)"; exit 4';
      },
    },
  });
  assert.match(seen, /^pid=\d+\n@@marker\n$/);
  assert.match(result.stdout, /^pid=\d+\n@@marker\nsame shell: yes\n$/);
  assert.equal(result.code, 4);
});

test("followUp: a command in the first script cannot read the second one from stdin", async () => {
  const result = await connection.runScript("echo read:$(cat | wc -c); echo @@marker\n", {
    // Without the protection cat would wait for EOF, which only comes after the second script.
    timeoutMs: 10_000,
    followUp: { afterLine: "@@marker", next: () => "echo second ran" },
  });
  assert.equal(result.stdout, "read:0\n@@marker\nsecond ran\n");
});

test("followUp: null ends the shell after the first script; a throw rejects with that error", async () => {
  const none = await connection.runScript("echo @@marker; echo after\n", {
    followUp: { afterLine: "@@marker", next: () => null },
  });
  assert.equal(none.stdout, "@@marker\nafter\n");
  assert.equal(none.code, 0);
  const refusal = new HostError("unsupported", "t1", "planned nothing");
  await assert.rejects(
    connection.runScript("echo @@marker\n", {
      followUp: {
        afterLine: "@@marker",
        next: () => {
          throw refusal;
        },
      },
    }),
    (err) => err === refusal,
  );
});

test("followUp: a first script that exits without the marker returns its own output", async () => {
  const result = await connection.runScript("echo no marker; exit 2\n", {
    followUp: {
      afterLine: "@@marker",
      next: () => {
        throw new Error("must not be called");
      },
    },
  });
  assert.equal(result.stdout, "no marker\n");
  assert.equal(result.code, 2);
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
