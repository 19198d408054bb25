// Jump hosts: a target reachable only through a bastion, each hop's host key verified,
// errors naming the hop, configured through the inventory or through an ssh_config file.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { SshTransport, type SshTransportOptions } from "../../../src/transport/sshTransport.js";
import { loadSshConfig, mergeSshConfig } from "../../../src/inventory/sshConfig.js";
import type { HostSpec, JumpHost } from "../../../src/inventory/types.js";
import { HostError, type HostErrorKind } from "../../../src/errors.js";
import { runCleanups } from "./harness/cleanup.js";
import { makeKey, tempDir, type KeyPair } from "./harness/keys.js";
import { freePort, knownHostsLine, startSshd, type TestSshd } from "./harness/testSshd.js";
import { createTestUser, type TestUser } from "./harness/testUsers.js";
import { createJumpNetwork, type JumpNetwork } from "./harness/jumpNetwork.js";

let dir: string;
let key: KeyPair;
let user: TestUser;
let net: JumpNetwork;
let outer: TestSshd; // 127.0.0.1, root namespace
let bastion: TestSshd; // namespace B
let target: TestSshd; // namespace T, reachable only from B
let knownHosts: string;

before(async () => {
  dir = tempDir();
  key = makeKey(dir, "user_ed25519");
  user = createTestUser(dir);
  net = createJumpNetwork();
  outer = await startSshd({ dir, authorizedKeys: [key.publicLine] });
  bastion = await startSshd({
    dir,
    authorizedKeys: [key.publicLine],
    netns: net.bastionNs,
    address: net.bastionAddress,
    port: 22,
  });
  target = await startSshd({
    dir,
    authorizedKeys: [key.publicLine],
    netns: net.targetNs,
    address: net.targetAddress,
    port: 22,
  });
  knownHosts = join(dir, "known_hosts");
  writeFileSync(knownHosts, [outer, bastion, target].map((s) => knownHostsLine(s)).join("\n") + "\n");
});

after(runCleanups);

const hop = (s: TestSshd): JumpHost => ({
  address: s.address,
  port: s.port,
  user: user.name,
  identityFiles: [key.privateFile],
});

function targetSpec(name: string, jump: JumpHost[], extra: Partial<HostSpec> = {}): HostSpec {
  return {
    name,
    address: target.address,
    port: target.port,
    user: user.name,
    identityFiles: [key.privateFile],
    groups: [],
    become: false,
    jump,
    ...extra,
  };
}

function transport(options: SshTransportOptions = {}): SshTransport {
  return new SshTransport({
    knownHostsFile: knownHosts,
    globalKnownHostsFiles: [],
    agentSocket: null,
    connectTimeoutMs: 5_000,
    ...options,
  });
}

/** The script runs in the target's network namespace: it sees the target's address. */
const WHERE = "cat /proc/net/fib_trie\n";

async function failure(t: SshTransport, spec: HostSpec, kind: HostErrorKind): Promise<HostError> {
  try {
    (await t.connect(spec)).close();
  } catch (err) {
    assert.ok(err instanceof HostError, String(err));
    assert.equal(err.kind, kind, err.message);
    assert.equal(err.host, spec.name);
    return err;
  }
  assert.fail(`expected ${kind}`);
}

test("the target cannot be reached directly", async () => {
  const err = await failure(transport(), targetSpec("direct", []), "unreachable");
  assert.match(err.message, /EHOSTUNREACH|no route/);
});

test("one hop: the script runs on the target behind the bastion", async () => {
  const conn = await transport().connect(targetSpec("t1", [hop(bastion)]));
  try {
    const result = await conn.runScript(WHERE);
    assert.equal(result.code, 0, result.stderr);
    assert.ok(result.stdout.includes(net.targetAddress), result.stdout);
    assert.ok(!result.stdout.includes(net.bastionAddress));
  } finally {
    conn.close();
  }
});

test("two hops (127.0.0.1, then the bastion namespace), outermost first", async () => {
  const conn = await transport().connect(targetSpec("t2", [hop(outer), hop(bastion)]));
  try {
    const result = await conn.runScript(WHERE);
    assert.ok(result.stdout.includes(net.targetAddress));
  } finally {
    conn.close();
  }
});

test("hosts behind one bastion share one bastion connection", async () => {
  const before = (bastion.log().match(/Accepted publickey/g) ?? []).length;
  const t = transport();
  const conns = await Promise.all(
    ["s1", "s2", "s3", "s4", "s5"].map((n) => t.connect(targetSpec(n, [hop(bastion)]))),
  );
  const results = await Promise.all(conns.map((c) => c.runScript("echo shared\n")));
  assert.ok(results.every((r) => r.stdout === "shared\n"));
  conns.forEach((c) => c.close());
  await new Promise((r) => setTimeout(r, 200));
  const after = (bastion.log().match(/Accepted publickey/g) ?? []).length;
  assert.equal(after - before, 1, "one login on the bastion for five targets");
});

test("a hop's host key is verified with its own name and port; the error names the hop", async () => {
  const only = join(dir, "kh-target-only");
  writeFileSync(only, knownHostsLine(target) + "\n");
  const err = await failure(transport({ knownHostsFile: only }), targetSpec("t3", [hop(bastion)]), "hostkey");
  assert.match(
    err.message,
    new RegExp(
      `^t3: jump host ${user.name}@${net.bastionAddress.replace(/\./g, "\\.")}:22: host key not in .*kh-target-only: ssh-ed25519 SHA256:`,
    ),
  );
  assert.ok(
    err.message.includes(`unknown host ${net.bastionAddress};`),
    "port 22 is looked up without brackets",
  );
});

test("the target's host key is verified too, behind the hop", async () => {
  const noTarget = join(dir, "kh-no-target");
  writeFileSync(noTarget, knownHostsLine(bastion) + "\n");
  const err = await failure(
    transport({ knownHostsFile: noTarget }),
    targetSpec("t4", [hop(bastion)]),
    "hostkey",
  );
  assert.match(
    err.message,
    new RegExp(
      `^t4: host key not in .*: ssh-ed25519 SHA256:\\S+ \\(unknown host ${net.targetAddress.replace(/\./g, "\\.")};`,
    ),
  );
});

test("a dead hop and an unreachable next machine are reported against the right hop", async () => {
  const closed = await freePort();
  const dead = await failure(
    transport(),
    targetSpec("t5", [{ ...hop(outer), port: closed }, hop(bastion)]),
    "unreachable",
  );
  assert.match(
    dead.message,
    new RegExp(
      `^t5: jump host ${user.name}@127\\.0\\.0\\.1:${closed}: cannot connect to 127\\.0\\.0\\.1:${closed}: connection refused`,
    ),
  );
  const noSuchPort = await failure(transport(), targetSpec("t6", [hop(bastion)], { port: 2 }), "unreachable");
  assert.match(
    noSuchPort.message,
    new RegExp(`^t6: last jump host: cannot reach ${net.targetAddress.replace(/\./g, "\\.")}:2 from there`),
  );
});

/** app behind bastion behind outer, by Host aliases; extra lines for outer's block and for `Host *`. */
function writeChainConfig(name: string, outerLines: string[], allLines: string[]): string {
  const configFile = join(dir, name);
  writeFileSync(
    configFile,
    [
      "Host outer",
      `  HostName 127.0.0.1`,
      `  Port ${outer.port}`,
      ...outerLines,
      "Host bastion",
      `  HostName ${net.bastionAddress}`,
      "  ProxyJump outer",
      "Host app",
      `  HostName ${net.targetAddress}`,
      "  ProxyJump bastion",
      "Host *",
      `  User ${user.name}`,
      `  IdentityFile ${key.privateFile}`,
      ...allLines,
      "",
    ].join("\n"),
  );
  return configFile;
}

test("configured through an ssh_config file: Host aliases, ProxyJump chain, User and IdentityFile", async () => {
  const configFile = writeChainConfig("ssh_config", [], ["  IdentitiesOnly yes"]);
  const sshConfig = loadSshConfig(configFile, { required: true, home: dir });
  const fields = mergeSshConfig({ name: "app", inventory: {}, sshConfig });
  assert.deepEqual(
    fields.jump.map((j) => `${j.user}@${j.address}:${j.port}`),
    [`${user.name}@127.0.0.1:${outer.port}`, `${user.name}@${net.bastionAddress}:22`],
  );
  const conn = await transport().connect({ name: "app", groups: [], become: false, ...fields });
  try {
    const result = await conn.runScript(WHERE);
    assert.ok(result.stdout.includes(net.targetAddress));
  } finally {
    conn.close();
  }
});

test("each hop is checked with its own ssh_config host-key settings: the outer hop pinned by HostKeyAlias in its own UserKnownHostsFile", async () => {
  const aliasFile = join(dir, "kh-outer-alias");
  const byAddress = join(dir, "kh-outer-by-address");
  writeFileSync(aliasFile, `the-outer ${outer.hostKey.type} ${outer.hostKey.blob.toString("base64")}\n`);
  writeFileSync(byAddress, `${knownHostsLine(outer)}\n`);
  const fieldsWith = (outerFile: string) => {
    const configFile = writeChainConfig(
      `ssh_config.hostkeys.${outerFile === aliasFile ? "alias" : "address"}`,
      ["  HostKeyAlias the-outer", `  UserKnownHostsFile ${outerFile}`],
      [`  UserKnownHostsFile ${knownHosts}`],
    );
    const sshConfig = loadSshConfig(configFile, { required: true, home: dir });
    return mergeSshConfig({ name: "app", inventory: {}, sshConfig });
  };
  // no --known-hosts: each hop's UserKnownHostsFile applies (the default file, dir/.ssh, is empty)
  const t = () => new SshTransport({ globalKnownHostsFiles: [], agentSocket: null, homeDir: dir });
  const conn = await t().connect({ name: "app", groups: [], become: false, ...fieldsWith(aliasFile) });
  conn.close();
  // the outer hop's key recorded under its address only: the alias is what is looked up
  try {
    (await t().connect({ name: "app", groups: [], become: false, ...fieldsWith(byAddress) })).close();
    assert.fail("the jump host should have been refused");
  } catch (err) {
    assert.ok(err instanceof HostError, String(err));
    assert.equal(err.kind, "hostkey");
    assert.match(err.message, /^app: jump host .*127\.0\.0\.1.*unknown host the-outer;/);
  }
});
