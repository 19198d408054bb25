// Host-key policy against a real sshd: strict refuses unknown and changed keys, accept-new
// records new keys and still refuses changed ones, off accepts everything.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, writeFileSync, existsSync } from "node:fs";
import { join } from "node:path";
import { SshTransport, type SshTransportOptions } from "../../../src/transport/sshTransport.js";
import { hostKeyPolicyOffWarning } from "../../../src/transport/hostKeys/hostKeyPolicy.js";
import { sha256Fingerprint } from "../../../src/transport/hostKeys/fingerprint.js";
import type { HostSpec } from "../../../src/inventory/types.js";
import { HostError } from "../../../src/errors.js";
import { runCleanups } from "./harness/cleanup.js";
import { sshdHost } from "./harness/hostSpec.js";
import { makeKey, tempDir, type KeyPair } from "./harness/keys.js";
import { knownHostsLine, startSshd, type TestSshd } from "./harness/testSshd.js";
import { createTestUser, type TestUser } from "./harness/testUsers.js";

let dir: string;
let userKey: KeyPair;
let otherHostKey: KeyPair;
let user: TestUser;
let sshd: TestSshd;

before(async () => {
  dir = tempDir();
  userKey = makeKey(dir, "user_ed25519");
  otherHostKey = makeKey(dir, "impostor_host_ed25519");
  user = createTestUser(dir);
  sshd = await startSshd({ dir, authorizedKeys: [userKey.publicLine] });
});

after(runCleanups);

const host = (name = "hk1"): HostSpec => sshdHost(sshd, user, userKey, { name });

function transport(knownHostsFile: string, options: SshTransportOptions = {}): SshTransport {
  return new SshTransport({ knownHostsFile, globalKnownHostsFiles: [], agentSocket: null, ...options });
}

async function refusal(t: SshTransport, spec = host()): Promise<HostError> {
  try {
    const c = await t.connect(spec);
    c.close();
  } catch (err) {
    assert.ok(err instanceof HostError, String(err));
    return err;
  }
  assert.fail("the connection should have been refused");
}

test("strict: an unknown host key is refused with kind hostkey, naming the host, key type and fingerprint", async () => {
  const file = join(dir, "kh-empty");
  const err = await refusal(transport(file));
  assert.equal(err.kind, "hostkey");
  assert.equal(err.host, "hk1");
  const fp = sha256Fingerprint(sshd.hostKey.blob);
  assert.equal(
    err.message,
    `hk1: host key not in ${file}: ssh-ed25519 ${fp} (unknown host [127.0.0.1]:${sshd.port}; verify it and add it, or use --host-key-policy accept-new)`,
  );
  assert.equal(existsSync(file), false, "strict never writes known_hosts");
  assert.doesNotMatch(sshd.log(), /Accepted publickey/, "nothing authenticated, nothing ran");
});

test("accept-new: a new key is accepted and recorded as [host]:port type base64; the next run knows it", async () => {
  const file = join(dir, "kh-accept");
  writeFileSync(file, "# existing comment without newline at end");
  const conns = await Promise.all(
    ["a", "b", "c"].map((n) => transport(file, { hostKeyPolicy: "accept-new" }).connect(host(n))),
  );
  const out = await conns[0]!.runScript("echo ok\n");
  assert.equal(out.stdout, "ok\n");
  conns.forEach((c) => c.close());
  const lines = readFileSync(file, "utf8").split("\n");
  // three independent transports (as three nfdebug processes would) may each append the line;
  // every appended line is whole and exact, and the existing content is kept
  const recorded = lines.filter((l) => l.startsWith("["));
  assert.ok(recorded.length >= 1);
  for (const line of recorded) assert.equal(line, knownHostsLine(sshd));
  assert.equal(lines[0], "# existing comment without newline at end");
  // strict now accepts it
  const again = await transport(file).connect(host());
  again.close();
});

test("accept-new: concurrent hosts through one transport record the key once", async () => {
  const file = join(dir, "kh-once");
  const t = transport(file, { hostKeyPolicy: "accept-new" });
  const conns = await Promise.all(Array.from({ length: 8 }, (_, i) => t.connect(host(`h${i}`))));
  conns.forEach((c) => c.close());
  assert.equal(readFileSync(file, "utf8"), knownHostsLine(sshd) + "\n");
});

test("a changed key is refused under strict and accept-new, with both fingerprints; off accepts it", async () => {
  const file = join(dir, "kh-changed");
  const impostor = `[127.0.0.1]:${sshd.port} ${otherHostKey.type} ${otherHostKey.blob.toString("base64")}`;
  writeFileSync(file, `# line 1\n${impostor}\n`);
  for (const policy of ["strict", "accept-new"] as const) {
    const err = await refusal(transport(file, { hostKeyPolicy: policy }));
    assert.equal(err.kind, "hostkey", policy);
    assert.match(err.message, /^hk1: HOST KEY CHANGED for \[127\.0\.0\.1\]:\d+/);
    assert.ok(err.message.includes(`ssh-ed25519 ${sha256Fingerprint(sshd.hostKey.blob)}`));
    assert.ok(err.message.includes(`${file}:2 records ssh-ed25519 ${sha256Fingerprint(otherHostKey.blob)}`));
    assert.match(err.message, /man-in-the-middle/);
  }
  assert.equal(readFileSync(file, "utf8"), `# line 1\n${impostor}\n`, "accept-new did not touch the file");
  const conn = await transport(file, { hostKeyPolicy: "off" }).connect(host());
  assert.equal((await conn.runScript("echo off\n")).stdout, "off\n");
  conn.close();
  assert.match(hostKeyPolicyOffWarning(), /^WARNING: .*NOT verified/);
});

test("a @revoked key is refused even under accept-new", async () => {
  const file = join(dir, "kh-revoked");
  writeFileSync(
    file,
    `@revoked * ${sshd.hostKey.type} ${sshd.hostKey.blob.toString("base64")}\n${knownHostsLine(sshd)}\n`,
  );
  const err = await refusal(transport(file, { hostKeyPolicy: "accept-new" }));
  assert.equal(err.kind, "hostkey");
  assert.match(err.message, /is marked @revoked in .*kh-revoked:1; refusing to connect/);
});

test("a hashed known_hosts entry (ssh-keygen -H) is honoured", async () => {
  const file = join(dir, "kh-hashed");
  writeFileSync(file, knownHostsLine(sshd) + "\n");
  const { execFileSync } = await import("node:child_process");
  execFileSync("ssh-keygen", ["-H", "-f", file], { stdio: "ignore" });
  assert.match(readFileSync(file, "utf8"), /^\|1\|/);
  const conn = await transport(file).connect(host());
  conn.close();
});

test("a host known only by its RSA key is asked for that key type (no false 'unknown')", async () => {
  const rsaDir = join(dir, "rsa");
  const { mkdirSync } = await import("node:fs");
  mkdirSync(rsaDir);
  const rsaKey = makeKey(rsaDir, "host_rsa", { type: "rsa" });
  const ed = makeKey(rsaDir, "host_ed");
  const both = await startSshd({
    dir: rsaDir,
    authorizedKeys: [userKey.publicLine],
    hostKey: ed,
    extraConfig: [`HostKey ${rsaKey.privateFile}`],
  });
  const file = join(dir, "kh-rsa");
  writeFileSync(file, `[127.0.0.1]:${both.port} ssh-rsa ${rsaKey.blob.toString("base64")}\n`);
  const conn = await transport(file).connect({ ...host(), port: both.port });
  assert.equal((await conn.runScript("echo rsa\n")).stdout, "rsa\n");
  conn.close();
  both.stop();
});
