// become: scripts run through `sudo -n sh -s`; a sudo that wants a password fails cleanly.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { SshTransport } from "../../../src/transport/sshTransport.js";
import type { HostSpec } from "../../../src/inventory/types.js";
import { HostError } from "../../../src/errors.js";
import { runCleanups } from "./harness/cleanup.js";
import { pinnedKnownHosts, sshdHost } from "./harness/hostSpec.js";
import { makeKey, tempDir, type KeyPair } from "./harness/keys.js";
import { startSshd, type TestSshd } from "./harness/testSshd.js";
import { createTestUser, type TestUser } from "./harness/testUsers.js";

let dir: string;
let key: KeyPair;
let sudoer: TestUser;
let needsPassword: TestUser;
let plainUser: TestUser;
let sshd: TestSshd;
let transport: SshTransport;

before(async () => {
  dir = tempDir();
  key = makeKey(dir, "user_ed25519");
  sudoer = createTestUser(dir, "nopasswd");
  needsPassword = createTestUser(dir, "password");
  plainUser = createTestUser(dir, "none");
  sshd = await startSshd({ dir, authorizedKeys: [key.publicLine] });
  const knownHosts = pinnedKnownHosts(dir, sshd);
  transport = new SshTransport({ knownHostsFile: knownHosts, globalKnownHostsFiles: [], agentSocket: null });
});

after(runCleanups);

const host = (user: TestUser, become: boolean): HostSpec =>
  sshdHost(sshd, user, key, { name: "b1", address: "127.0.0.1", become });

test("a NOPASSWD sudoer with become runs the script as root, reading it from stdin", async () => {
  const conn = await transport.connect(host(sudoer, true));
  try {
    const result = await conn.runScript(
      "id -u\ncat /proc/self/status | grep -c '^Uid:.0'\necho \"$SUDO_USER\"\n",
    );
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(result.stdout.split("\n").slice(0, 3), ["0", "1", sudoer.name]);
  } finally {
    conn.close();
  }
});

test("without become the same user stays unprivileged", async () => {
  const conn = await transport.connect(host(sudoer, false));
  try {
    assert.notEqual((await conn.runScript("id -u\n")).stdout.trim(), "0");
  } finally {
    conn.close();
  }
});

async function becomeError(user: TestUser): Promise<HostError> {
  const conn = await transport.connect(host(user, true));
  try {
    await conn.runScript("touch /root/nfdebug-should-not-exist\n");
  } catch (err) {
    assert.ok(err instanceof HostError);
    return err;
  } finally {
    conn.close();
  }
  assert.fail("sudo should have refused");
}

test("a sudo that wants a password fails the host with kind become and a clear message", async () => {
  const err = await becomeError(needsPassword);
  assert.equal(err.kind, "become");
  assert.equal(
    err.message,
    `sudo requires a password for ${needsPassword.name} on b1; configure NOPASSWD or log in as root`,
  );
});

test("a user with no sudo rights at all also fails with kind become", async () => {
  const err = await becomeError(plainUser);
  assert.equal(err.kind, "become");
  assert.match(err.message, /sudo requires a password|may not run sh through sudo/);
});
