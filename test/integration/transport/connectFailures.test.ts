// Each way a connection can fail maps to its HostError kind, quickly and with a clear message.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { createServer, type Server, type Socket } from "node:net";
import { join } from "node:path";
import { SshTransport } from "../../../src/transport/sshTransport.js";
import type { HostSpec } from "../../../src/inventory/types.js";
import { HostError, type HostErrorKind } from "../../../src/errors.js";
import { killTree, onCleanup, runCleanups } from "./harness/cleanup.js";
import { pinnedKnownHosts, sshdHost } from "./harness/hostSpec.js";
import { makeKey, tempDir, type KeyPair } from "./harness/keys.js";
import { freePort, knownHostsLine, startSshd, type TestSshd } from "./harness/testSshd.js";
import { createTestUser, type TestUser } from "./harness/testUsers.js";

let dir: string;
let userKey: KeyPair;
let wrongKey: KeyPair;
let user: TestUser;
let sshd: TestSshd;
let knownHosts: string;

before(async () => {
  dir = tempDir();
  userKey = makeKey(dir, "user_ed25519");
  wrongKey = makeKey(dir, "wrong_ed25519");
  user = createTestUser(dir);
  sshd = await startSshd({ dir, authorizedKeys: [userKey.publicLine] });
  knownHosts = pinnedKnownHosts(dir, sshd);
});

after(runCleanups);

const host = (overrides: Partial<HostSpec> = {}): HostSpec =>
  sshdHost(sshd, user, userKey, { name: "f1", address: "127.0.0.1", ...overrides });

async function failure(spec: HostSpec, kind: HostErrorKind, connectTimeoutMs = 5_000): Promise<HostError> {
  const transport = new SshTransport({
    knownHostsFile: knownHosts,
    globalKnownHostsFiles: [],
    agentSocket: null,
    connectTimeoutMs,
  });
  try {
    const c = await transport.connect(spec);
    c.close();
  } catch (err) {
    assert.ok(err instanceof HostError, String(err));
    assert.equal(err.kind, kind, err.message);
    assert.equal(err.host, spec.name);
    return err;
  }
  assert.fail(`expected a ${kind} failure`);
}

/** A local TCP server that accepts and then does `behaviour` with each socket. */
async function tcpServer(behaviour: (socket: Socket) => void): Promise<number> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((s) => {
    sockets.add(s);
    s.on("error", () => undefined);
    behaviour(s);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  onCleanup("tcp server", () => {
    sockets.forEach((s) => s.destroy());
    server.close();
  });
  return (server.address() as { port: number }).port;
}

test("a key the server does not accept: kind auth, naming the user and what was tried, no key material", async () => {
  const err = await failure(host({ identityFiles: [wrongKey.privateFile] }), "auth");
  assert.match(
    err.message,
    new RegExp(
      `^f1: authentication failed for user ${user.name} at 127\\.0\\.0\\.1:\\d+: tried key ${wrongKey.privateFile} \\(ssh-ed25519 SHA256:`,
    ),
  );
  assert.doesNotMatch(err.message, /PRIVATE KEY|AAAA/);
});

test("a missing identity file and no agent: kind auth, saying so", async () => {
  const err = await failure(host({ identityFiles: [join(dir, "nope")] }), "auth");
  assert.match(err.message, /no key to try; skipped .*nope \(no such file\)/);
});

test("a known_hosts file that cannot be read: kind hostkey, not an internal error", async () => {
  const transport = new SshTransport({
    knownHostsFile: dir, // a directory: reading it fails with EISDIR
    globalKnownHostsFiles: [],
    agentSocket: null,
    connectTimeoutMs: 5_000,
  });
  await assert.rejects(transport.connect(host()), (err: unknown) => {
    assert.ok(err instanceof HostError, String(err));
    assert.equal(err.kind, "hostkey");
    assert.match(err.message, /^f1: cannot check the host key: EISDIR/);
    return true;
  });
});

test("a closed port: kind unreachable (connection refused)", async () => {
  const port = await freePort();
  const err = await failure(host({ port }), "unreachable");
  assert.match(err.message, /^f1: cannot connect to 127\.0\.0\.1:\d+: connection refused \(ECONNREFUSED\)$/);
});

test("a listener that never speaks: kind timeout within the connect timeout", async () => {
  const port = await tcpServer(() => undefined);
  const started = Date.now();
  const err = await failure(host({ port }), "timeout", 700);
  const took = Date.now() - started;
  assert.ok(took >= 650 && took < 3_000, `took ${took} ms`);
  assert.match(err.message, /no SSH session with 127\.0\.0\.1:\d+ within 700 ms \(connect timeout\)/);
});

test("a server that hangs up right after its banner: kind unreachable, not a hang", async () => {
  const port = await tcpServer((s) => s.end("SSH-2.0-OpenSSH_9.2 fake\r\n"));
  const started = Date.now();
  const err = await failure(host({ port }), "unreachable");
  assert.ok(Date.now() - started < 3_000);
  assert.match(err.message, /^f1: 127\.0\.0\.1:\d+ closed the connection before the SSH session was ready$/);
});

test("a server that hangs up before any banner: kind unreachable", async () => {
  const port = await tcpServer((s) => s.destroy());
  await failure(host({ port }), "unreachable");
});

test("a port that speaks something else and stays open: kind timeout, bounded by the connect timeout", async () => {
  // ssh2 skips lines before an SSH identification (RFC 4253 allows a preamble) and keeps waiting
  const port = await tcpServer((s) => s.write("HTTP/1.1 400 Bad Request\r\n\r\n"));
  const started = Date.now();
  await failure(host({ port }), "timeout", 1_500);
  assert.ok(Date.now() - started < 4_000);
});

test("sshd killed while a script runs: the script fails with kind unreachable, and so does the next one", async () => {
  const doomed = await startSshd({ dir, authorizedKeys: [userKey.publicLine] });
  const kh = join(dir, "kh-doomed");
  writeFileSync(kh, knownHostsLine(doomed) + "\n");
  const transport = new SshTransport({ knownHostsFile: kh, globalKnownHostsFiles: [], agentSocket: null });
  const conn = await transport.connect(host({ name: "k1", port: doomed.port }));
  const running = conn.runScript("echo started; sleep 30\n", { timeoutMs: 20_000 });
  await new Promise((r) => setTimeout(r, 300));
  doomed.stop(); // kills the listener and every per-connection sshd process
  await assert.rejects(running, (err: unknown) => {
    assert.ok(err instanceof HostError);
    assert.equal(err.kind, "unreachable");
    assert.match(err.message, /^k1: connection lost/);
    return true;
  });
  await assert.rejects(conn.runScript("echo again\n"), { kind: "unreachable" });
  conn.close();
});

test("keepalives: a host that stops answering is detected while a script waits", async () => {
  const frozen = await startSshd({ dir, authorizedKeys: [userKey.publicLine] });
  const kh = join(dir, "kh-frozen");
  writeFileSync(kh, knownHostsLine(frozen) + "\n");
  const transport = new SshTransport({
    knownHostsFile: kh,
    globalKnownHostsFiles: [],
    agentSocket: null,
    keepaliveIntervalMs: 200,
    keepaliveCountMax: 2,
  });
  const conn = await transport.connect(host({ name: "z1", port: frozen.port }));
  const running = conn.runScript("sleep 30\n", { timeoutMs: 20_000 });
  await new Promise((r) => setTimeout(r, 200));
  killTree(frozen.pid, "SIGSTOP"); // the TCP connection stays up, nothing answers
  const started = Date.now();
  try {
    await assert.rejects(running, (err: unknown) => {
      assert.ok(err instanceof HostError);
      assert.equal(err.kind, "unreachable");
      assert.match(err.message, /^z1: connection lost \(Keepalive timeout\)$/);
      return true;
    });
    assert.ok(Date.now() - started < 5_000, `detected after ${Date.now() - started} ms`);
  } finally {
    conn.close();
    frozen.stop();
  }
});
