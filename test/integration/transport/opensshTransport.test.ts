// OpensshTransport (the system ssh with one ControlMaster per host) against a real sshd on
// 127.0.0.1: the same cases as the ssh2 transport's, and its masters and directory cleaned up.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { createServer } from "node:net";
import { join } from "node:path";
import {
  OpensshTransport,
  type OpensshTransportOptions,
} from "../../../src/transport/openssh/opensshTransport.js";
import type { HostSpec } from "../../../src/inventory/types.js";
import type { Connection } from "../../../src/transport/types.js";
import { HostError } from "../../../src/errors.js";
import { onCleanup, runCleanups } from "./harness/cleanup.js";
import { pinnedKnownHosts, sshdHost } from "./harness/hostSpec.js";
import { scriptCases } from "./harness/scriptCases.js";
import { makeKey, tempDir, type KeyPair } from "./harness/keys.js";
import { freePort, knownHostsLine, startSshd, type TestSshd } from "./harness/testSshd.js";
import { createTestUser, type TestUser } from "./harness/testUsers.js";

let dir: string;
let userKey: KeyPair;
let user: TestUser;
let sudoer: TestUser;
let sshd: TestSshd;
let knownHosts: string;
let emptyConfig: string;
let transport: OpensshTransport;
let connection: Connection;

const hostSpec = (overrides: Partial<HostSpec> = {}): HostSpec => sshdHost(sshd, user, userKey, overrides);

function openssh(options: OpensshTransportOptions = {}): OpensshTransport {
  return new OpensshTransport({ configFile: emptyConfig, knownHostsFile: knownHosts, ...options });
}

/** Our control directories (nfdebug-ssh-*) that exist now. */
function controlDirectories(): string[] {
  return readdirSync(tmpdir()).filter((name) => name.startsWith("nfdebug-ssh-"));
}

/** ssh masters (ssh -N -f ... ControlPath=DIR/...) running now for sockets under `dir`. */
function mastersUnder(socketDir: string): number {
  const out = execFileSync("ps", ["-eo", "args"], { encoding: "utf8" });
  return out.split("\n").filter((line) => line.startsWith("ssh") && line.includes(`ControlPath=${socketDir}`))
    .length;
}

function rejectsWithKind(promise: Promise<unknown>, kind: string, message?: RegExp): Promise<void> {
  return assert.rejects(promise, (err: unknown) => {
    assert.ok(err instanceof HostError, String(err));
    assert.equal(err.kind, kind, err.message);
    if (message) assert.match(err.message, message);
    return true;
  });
}

before(async () => {
  dir = tempDir();
  userKey = makeKey(dir, "user_ed25519");
  user = createTestUser(dir);
  sudoer = createTestUser(dir, "nopasswd");
  sshd = await startSshd({ dir, authorizedKeys: [userKey.publicLine] });
  knownHosts = pinnedKnownHosts(dir, sshd);
  emptyConfig = join(dir, "ssh_config");
  writeFileSync(emptyConfig, "");
  // Kill every master this file may leave behind, even when a test fails.
  onCleanup("ssh masters", () => {
    const out = execFileSync("ps", ["-eo", "pid,args"], { encoding: "utf8" });
    for (const line of out.split("\n"))
      if (line.includes(`-F ${emptyConfig}`)) process.kill(Number(line.trim().split(" ")[0]), "SIGKILL");
  });
  transport = openssh();
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

test("25 concurrent scripts all succeed over one master", async () => {
  const results = await Promise.all(
    Array.from({ length: 25 }, (_, i) => connection.runScript(`echo ${i}; sleep 0.2\n`)),
  );
  assert.deepEqual(
    results.map((r) => [r.code, r.stdout]),
    results.map((_, i) => [0, `${i}\n`]),
  );
});

test("a server with a lower MaxSessions: every script succeeds, without ssh's words about it in stderr", async () => {
  const small = await startSshd({
    dir,
    authorizedKeys: [userKey.publicLine],
    extraConfig: ["MaxSessions 3"],
  });
  const smallKnownHosts = join(dir, "known_hosts_small");
  writeFileSync(smallKnownHosts, knownHostsLine(small) + "\n");
  const conn = await openssh({ knownHostsFile: smallKnownHosts }).connect(
    hostSpec({ name: "small", port: small.port }),
  );
  try {
    const results = await Promise.all(
      Array.from({ length: 8 }, () => conn.runScript("sleep 0.3; echo ok >&2\n")),
    );
    assert.deepEqual(
      results.map((r) => [r.code, r.stderr]),
      results.map(() => [0, "ok\n"]),
    );
  } finally {
    conn.close();
    small.stop();
  }
});

test("a host that sends more than the output cap fails with kind protocol", async () => {
  const capped = await openssh({ maxOutputBytes: 100_000 }).connect(hostSpec({ name: "capped" }));
  try {
    await rejectsWithKind(
      capped.runScript("head -c 10000000 /dev/zero\n"),
      "protocol",
      /capped: the host sent more than/,
    );
    assert.equal((await capped.runScript("echo ok\n")).stdout, "ok\n");
  } finally {
    capped.close();
  }
});

test("become: a NOPASSWD sudoer runs the script as root through sudo -n sh -s", async () => {
  const conn = await transport.connect(hostSpec({ name: "b1", user: sudoer.name, become: true }));
  try {
    const result = await conn.runScript('id -u; echo "$SUDO_USER"\n');
    assert.equal(result.stdout, `0\n${sudoer.name}\n`);
  } finally {
    conn.close();
  }
});

test("become: a user sudo refuses fails with kind become", async () => {
  const conn = await transport.connect(hostSpec({ name: "b2", become: true }));
  try {
    await rejectsWithKind(conn.runScript("id -u\n"), "become");
  } finally {
    conn.close();
  }
});

test("a closed port: kind unreachable", async () => {
  const port = await freePort();
  await rejectsWithKind(transport.connect(hostSpec({ port })), "unreachable", /Connection refused/);
});

test("a listener that never speaks: kind timeout, within the connect timeout", async () => {
  const server = createServer(() => undefined);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  onCleanup("silent listener", () => void server.close());
  const port = (server.address() as { port: number }).port;
  const started = Date.now();
  await rejectsWithKind(
    openssh({ connectTimeoutMs: 1_000 }).connect(hostSpec({ port })),
    "timeout",
    /timed out/,
  );
  assert.ok(Date.now() - started < 5_000, `took ${Date.now() - started} ms`);
});

test("sshd killed while a script runs: the script fails with kind unreachable, and so does the next one", async () => {
  const doomed = await startSshd({ dir, authorizedKeys: [userKey.publicLine] });
  const kh = join(dir, "kh-doomed");
  writeFileSync(kh, knownHostsLine(doomed) + "\n");
  const conn = await openssh({ knownHostsFile: kh }).connect(hostSpec({ name: "k1", port: doomed.port }));
  try {
    const running = conn.runScript("echo started; sleep 30\n", { timeoutMs: 20_000 });
    await new Promise((r) => setTimeout(r, 300));
    doomed.stop();
    await rejectsWithKind(running, "unreachable", /^k1: connection lost/);
    await rejectsWithKind(conn.runScript("echo again\n"), "unreachable", /Connection refused/);
  } finally {
    conn.close();
  }
});

test("a key the server does not accept: kind auth", async () => {
  const other = makeKey(dir, "other_ed25519");
  await rejectsWithKind(
    transport.connect(hostSpec({ identityFiles: [other.privateFile] })),
    "auth",
    /Permission denied/,
  );
});

test("host keys: unknown under strict and changed under any policy fail with kind hostkey; accept-new records", async () => {
  const empty = join(dir, "known_hosts_empty");
  writeFileSync(empty, "");
  await rejectsWithKind(
    openssh({ knownHostsFile: empty }).connect(hostSpec()),
    "hostkey",
    /Host key verification failed/,
  );

  const recorded = join(dir, "known_hosts_new");
  writeFileSync(recorded, "");
  const conn = await openssh({ knownHostsFile: recorded, hostKeyPolicy: "accept-new" }).connect(hostSpec());
  conn.close();
  assert.ok(readFileSync(recorded, "utf8").includes(sshd.hostKey.blob.toString("base64")), "key recorded");

  const wrong = join(dir, "known_hosts_wrong");
  writeFileSync(wrong, knownHostsLine(sshd, makeKey(dir, "impostor_ed25519")) + "\n");
  for (const hostKeyPolicy of ["strict", "accept-new"] as const)
    await rejectsWithKind(
      openssh({ knownHostsFile: wrong, hostKeyPolicy }).connect(hostSpec()),
      "hostkey",
      /REMOTE HOST IDENTIFICATION HAS CHANGED|Host key verification failed/,
    );
  const off = await openssh({ knownHostsFile: wrong, hostKeyPolicy: "off" }).connect(hostSpec());
  try {
    assert.equal((await off.runScript("echo in\n")).stdout, "in\n");
  } finally {
    off.close();
  }
});

test("close stops the master and removes the private directory", async () => {
  const before = new Set(controlDirectories());
  const own = openssh();
  const conn = await own.connect(hostSpec({ name: "c1" }));
  const added = controlDirectories().filter((name) => !before.has(name));
  assert.equal(added.length, 1);
  const socketDir = join(tmpdir(), added[0]!);
  assert.equal(mastersUnder(socketDir), 1);
  await conn.runScript("true\n");
  conn.close();
  const deadline = Date.now() + 5_000;
  while (existsSync(socketDir) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  assert.ok(!existsSync(socketDir), "directory removed");
  assert.equal(mastersUnder(socketDir), 0);
});
