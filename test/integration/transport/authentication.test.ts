// Agent and encrypted-key authentication with a real ssh-agent and real terminals (or none).
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { copyFileSync, writeFileSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { SshTransport, type SshTransportOptions } from "../../../src/transport/sshTransport.js";
import type { HostSpec } from "../../../src/inventory/types.js";
import { HostError } from "../../../src/errors.js";
import { onCleanup, runCleanups, killTree } from "./harness/cleanup.js";
import { pinnedKnownHosts, sshdHost } from "./harness/hostSpec.js";
import { makeKey, tempDir, type KeyPair } from "./harness/keys.js";
import { startSshd, type TestSshd } from "./harness/testSshd.js";
import { createTestUser, type TestUser } from "./harness/testUsers.js";
import { startAgent, type TestAgent } from "./harness/sshAgent.js";

const PASSPHRASE = "correct horse battery staple";
const CONNECT_ONCE = fileURLToPath(new URL("./harness/connectOnce.js", import.meta.url));

let dir: string;
let agentKey: KeyPair;
let encryptedKey: KeyPair;
let unrelatedKey: KeyPair;
let user: TestUser;
let sshd: TestSshd;
let agent: TestAgent;
let knownHosts: string;

before(async () => {
  dir = tempDir();
  agentKey = makeKey(dir, "agent_ed25519");
  encryptedKey = makeKey(dir, "encrypted_ed25519", { passphrase: PASSPHRASE });
  unrelatedKey = makeKey(dir, "unrelated_ed25519");
  user = createTestUser(dir);
  sshd = await startSshd({ dir, authorizedKeys: [agentKey.publicLine, encryptedKey.publicLine] });
  knownHosts = pinnedKnownHosts(dir, sshd);
  agent = await startAgent(dir);
  agent.add(agentKey.privateFile);
});

after(runCleanups);

const host = (identityFiles: string[], extra: Partial<HostSpec> = {}): HostSpec =>
  sshdHost(sshd, user, agentKey, { name: "a1", address: "127.0.0.1", identityFiles, ...extra });

function options(extra: SshTransportOptions = {}): SshTransportOptions {
  return { knownHostsFile: knownHosts, globalKnownHostsFiles: [], homeDir: dir, ...extra };
}

async function authError(t: SshTransport, spec: HostSpec): Promise<HostError> {
  try {
    (await t.connect(spec)).close();
  } catch (err) {
    assert.ok(err instanceof HostError);
    assert.equal(err.kind, "auth", err.message);
    return err;
  }
  assert.fail("expected an auth failure");
}

test("agent authentication with a real ssh-agent (key only in the agent)", async () => {
  const conn = await new SshTransport(options({ agentSocket: agent.socket })).connect(host([]));
  assert.equal((await conn.runScript("echo via-agent\n")).stdout, "via-agent\n");
  conn.close();
  assert.match(sshd.log(), /Accepted publickey for nfdt\w+ .* ED25519/);
});

test("SSH_AUTH_SOCK from the environment is used by default; the socket path never appears in errors", async () => {
  const saved = process.env.SSH_AUTH_SOCK;
  process.env.SSH_AUTH_SOCK = agent.socket;
  try {
    const conn = await new SshTransport(options()).connect(host([]));
    conn.close();
    process.env.SSH_AUTH_SOCK = join(dir, "no-agent-here.sock");
    const err = await authError(new SshTransport(options()), host([unrelatedKey.privateFile]));
    assert.match(err.message, /skipped ssh-agent \(cannot reach the agent in SSH_AUTH_SOCK\)/);
    assert.ok(!err.message.includes("no-agent-here"));
  } finally {
    if (saved === undefined) delete process.env.SSH_AUTH_SOCK;
    else process.env.SSH_AUTH_SOCK = saved;
  }
});

test("IdentitiesOnly: agent keys that are not identity files are not offered", async () => {
  const err = await authError(
    new SshTransport(options({ agentSocket: agent.socket })),
    host([unrelatedKey.privateFile], { identitiesOnly: true }),
  );
  assert.match(err.message, /skipped ssh-agent \(holds none of the identity files\)/);
  assert.match(err.message, /tried key .*unrelated_ed25519/);
  // without IdentitiesOnly the agent key gets us in
  (
    await new SshTransport(options({ agentSocket: agent.socket })).connect(host([unrelatedKey.privateFile]))
  ).close();
});

test("an encrypted key whose key is in the agent: no prompt, the agent signs", async () => {
  const plainCopy = join(dir, "enc_plain_copy");
  copyFileSync(encryptedKey.privateFile, plainCopy);
  execFileSync("ssh-keygen", ["-q", "-p", "-P", PASSPHRASE, "-N", "", "-f", plainCopy]);
  const agentDir = tempDir("nfdebug-agent2-");
  const agent2 = await startAgent(agentDir);
  agent2.add(plainCopy);
  let prompted = 0;
  const conn = await new SshTransport(
    options({
      agentSocket: agent2.socket,
      passphrasePrompt: async () => {
        prompted++;
        return { kind: "no-tty" };
      },
    }),
  ).connect(host([encryptedKey.privateFile], { identitiesOnly: true }));
  conn.close();
  assert.equal(prompted, 0);
  agent2.stop();
});

test("an encrypted key with no terminal fails that host with kind auth and says why", async () => {
  const spec = join(dir, "spec-notty.json");
  writeFileSync(
    spec,
    JSON.stringify({ host: host([encryptedKey.privateFile]), options: options({ agentSocket: null }) }),
  );
  // detached = setsid: the child has no controlling terminal, so /dev/tty cannot be opened
  const out = await runChild(process.execPath, [CONNECT_ONCE, spec], { detached: true });
  const result = JSON.parse(out.stdout.trim());
  assert.equal(result.ok, false);
  assert.equal(result.kind, "auth");
  assert.match(
    result.message,
    /encrypted_ed25519 \(is encrypted and there is no terminal to ask for its passphrase \(add it to ssh-agent\)\)/,
  );
  assert.ok(!result.message.includes(PASSPHRASE));
});

test("an encrypted key on a terminal: asked once on /dev/tty without echo, then it connects", async () => {
  const spec = join(dir, "spec-tty.json");
  writeFileSync(
    spec,
    JSON.stringify({ host: host([encryptedKey.privateFile]), options: options({ agentSocket: null }) }),
  );
  // util-linux script(1) gives the child a pseudo-terminal; we type into it through script's stdin
  const child = spawn("script", ["-qec", `${process.execPath} ${CONNECT_ONCE} ${spec}`, "/dev/null"], {
    stdio: ["pipe", "pipe", "pipe"],
  });
  onCleanup("script(1)", () => child.pid && killTree(child.pid));
  let screen = "";
  const done = new Promise<void>((resolve) => child.on("close", () => resolve()));
  child.stdout.on("data", (chunk: Buffer) => {
    const before = screen;
    screen += chunk.toString();
    if (!before.includes("Enter passphrase") && screen.includes("Enter passphrase")) {
      child.stdin.write(PASSPHRASE + "\r");
    }
  });
  const timer = setTimeout(() => child.kill("SIGKILL"), 20_000);
  await done;
  clearTimeout(timer);
  child.stdin.destroy();
  assert.match(screen, new RegExp(`Enter passphrase for key '${encryptedKey.privateFile}': `));
  assert.match(screen, /"ok":true,"stdout":"connected\\n"/);
  assert.ok(!screen.includes(PASSPHRASE), "the passphrase was not echoed");
  assert.equal(screen.split("Enter passphrase").length - 1, 1, "asked exactly once");
});

function runChild(
  cmd: string,
  args: string[],
  opts: { detached: boolean },
): Promise<{ stdout: string; code: number | null }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { detached: opts.detached, stdio: ["ignore", "pipe", "inherit"] });
    onCleanup("child", () => child.pid && killTree(child.pid));
    let stdout = "";
    child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ stdout, code }));
  });
}
