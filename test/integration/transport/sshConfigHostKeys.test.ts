// ssh_config's host-key directives against a real sshd (issue 18): UserKnownHostsFile (several
// files; the first records), HostKeyAlias, StrictHostKeyChecking, precedence of explicit options,
// ProxyCommand refused, and @cert-authority lines (host certificates) ignored with a warning.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { loadSshConfig, mergeSshConfig } from "../../../src/inventory/sshConfig.js";
import type { HostSpec } from "../../../src/inventory/types.js";
import { SshTransport, type SshTransportOptions } from "../../../src/transport/sshTransport.js";
import { sha256Fingerprint } from "../../../src/transport/hostKeys/fingerprint.js";
import { HostError } from "../../../src/errors.js";
import { runCleanups } from "./harness/cleanup.js";
import { makeKey, tempDir, type KeyPair } from "./harness/keys.js";
import { knownHostsLine, startSshd, type TestSshd } from "./harness/testSshd.js";
import { createTestUser, type TestUser } from "./harness/testUsers.js";

let dir: string;
let userKey: KeyPair;
let impostor: KeyPair;
let user: TestUser;
let sshd: TestSshd;
let configs = 0;

before(async () => {
  dir = tempDir();
  userKey = makeKey(dir, "user_ed25519");
  impostor = makeKey(dir, "impostor_host_ed25519");
  user = createTestUser(dir);
  sshd = await startSshd({ dir, authorizedKeys: [userKey.publicLine] });
});

after(runCleanups);

/** The host `name` as the CLI builds it: inventory name only, the rest from this ssh_config. */
function hostFrom(config: string, name = "web"): HostSpec {
  const file = join(dir, `ssh_config.${++configs}`);
  writeFileSync(
    file,
    `Host ${name}\n  HostName ${sshd.address}\n  Port ${sshd.port}\n  User ${user.name}\n  IdentityFile ${userKey.privateFile}\n${config}`,
  );
  const sshConfig = loadSshConfig(file, { required: true, home: dir });
  return { name, groups: [], become: false, ...mergeSshConfig({ name, inventory: {}, sshConfig }) };
}

function transport(options: SshTransportOptions = {}): SshTransport {
  // homeDir: the default ~/.ssh/known_hosts is dir/.ssh/known_hosts, which must stay absent
  return new SshTransport({ agentSocket: null, homeDir: dir, globalKnownHostsFiles: [], ...options });
}

async function runs(t: SshTransport, spec: HostSpec): Promise<void> {
  const conn = await t.connect(spec);
  assert.equal((await conn.runScript("echo ok\n")).stdout, "ok\n");
  conn.close();
}

async function refusal(t: SshTransport, spec: HostSpec): Promise<HostError> {
  try {
    (await t.connect(spec)).close();
  } catch (err) {
    assert.ok(err instanceof HostError, String(err));
    return err;
  }
  assert.fail("the connection should have been refused");
}

const file = (name: string, lines: string[]): string => {
  const path = join(dir, name);
  writeFileSync(path, lines.map((l) => `${l}\n`).join(""));
  return path;
};
const impostorLine = () =>
  `[${sshd.address}]:${sshd.port} ${impostor.type} ${impostor.blob.toString("base64")}`;
const accepted = () => sshd.log().split("Accepted publickey").length;
const defaultKnownHosts = () => join(dir, ".ssh", "known_hosts");

test("a host pinned only in the second UserKnownHostsFile of ssh_config connects under strict", async () => {
  const first = join(dir, "uk-first");
  const second = file("uk-second", [knownHostsLine(sshd)]);
  await runs(transport(), hostFrom(`  UserKnownHostsFile ${first} ${second}\n`));
  assert.equal(existsSync(first), false);
  assert.equal(existsSync(defaultKnownHosts()), false);
});

test("accept-new (from ssh_config or the flag): a host presenting another key than the pinned one is refused, nothing recorded", async () => {
  const first = join(dir, "uk-first-changed");
  const second = file("uk-second-changed", [impostorLine()]);
  const before = accepted();
  const fromConfig = hostFrom(
    `  UserKnownHostsFile ${first} ${second}\n  StrictHostKeyChecking accept-new\n`,
  );
  for (const t of [transport(), transport({ hostKeyPolicy: "accept-new" })]) {
    const err = await refusal(t, fromConfig);
    assert.equal(err.kind, "hostkey");
    assert.match(err.message, /^web: HOST KEY CHANGED for \[127\.0\.0\.1\]:\d+/);
    assert.ok(err.message.includes(`${second}:1 records ssh-ed25519 ${sha256Fingerprint(impostor.blob)}`));
  }
  assert.equal(existsSync(first), false, "the new key is never recorded");
  assert.equal(existsSync(defaultKnownHosts()), false);
  assert.equal(readFileSync(second, "utf8"), `${impostorLine()}\n`);
  assert.equal(accepted(), before, "no session was authenticated on a refused host key");
});

test("accept-new records a new key in the first UserKnownHostsFile, as ssh does", async () => {
  const first = join(dir, "uk-record-first");
  const second = file("uk-record-second", []);
  const spec = hostFrom(`  UserKnownHostsFile ${first} ${second}\n  StrictHostKeyChecking accept-new\n`);
  await runs(transport(), spec);
  assert.equal(readFileSync(first, "utf8"), `${knownHostsLine(sshd)}\n`);
  assert.equal(readFileSync(second, "utf8"), "");
});

test("HostKeyAlias: the alias is looked up (and recorded) instead of [host]:port", async () => {
  const blob = sshd.hostKey.blob.toString("base64");
  const pinned = file("kh-alias", [`fleet-web ${sshd.hostKey.type} ${blob}`]);
  await runs(transport(), hostFrom(`  HostKeyAlias fleet-web\n  UserKnownHostsFile ${pinned}\n`));

  const byAddress = file("kh-alias-address", [knownHostsLine(sshd)]);
  const err = await refusal(
    transport(),
    hostFrom(`  HostKeyAlias fleet-web\n  UserKnownHostsFile ${byAddress}\n`),
  );
  assert.equal(err.kind, "hostkey");
  assert.match(err.message, /unknown host fleet-web;/);

  const recordIn = join(dir, "kh-alias-record");
  const spec = hostFrom(`  HostKeyAlias fleet-web\n  UserKnownHostsFile ${recordIn}\n`);
  await runs(transport({ hostKeyPolicy: "accept-new" }), spec);
  assert.equal(readFileSync(recordIn, "utf8"), `fleet-web ${sshd.hostKey.type} ${blob}\n`);
});

test("StrictHostKeyChecking no in ssh_config turns checks off, loudly, once; an explicit policy wins", async () => {
  const empty = file("kh-no", []);
  const spec = hostFrom(`  UserKnownHostsFile ${empty}\n  StrictHostKeyChecking no\n`);
  const warnings: string[] = [];
  const t = transport({ warn: (m) => warnings.push(m) });
  await runs(t, spec);
  await runs(t, { ...spec, name: "web-again" });
  assert.equal(warnings.length, 1, warnings.join("\n"));
  assert.match(
    warnings[0]!,
    /^WARNING: StrictHostKeyChecking at .*ssh_config\.\d+:7 turns host-key checks off .*NOT verified/,
  );
  assert.equal(readFileSync(empty, "utf8"), "", "off records nothing");
  const err = await refusal(transport({ hostKeyPolicy: "strict" }), spec);
  assert.equal(err.kind, "hostkey");
});

test("--known-hosts (knownHostsFile) wins over UserKnownHostsFile", async () => {
  const pinned = file("kh-config-pinned", [knownHostsLine(sshd)]);
  const spec = hostFrom(`  UserKnownHostsFile ${pinned}\n`);
  const err = await refusal(transport({ knownHostsFile: join(dir, "kh-flag-empty") }), spec);
  assert.equal(err.kind, "hostkey");
  assert.match(err.message, /host key not in .*kh-flag-empty:/);
});

test("ProxyCommand in ssh_config: the host fails with kind unsupported, pointing at the OpenSSH transport", async () => {
  const spec = hostFrom("  ProxyCommand ssh -W %h:%p gateway\n");
  const err = await refusal(transport({ hostKeyPolicy: "off" }), spec);
  assert.equal(err.kind, "unsupported");
  assert.match(
    err.message,
    /^web: ssh_config sets ProxyCommand \(.*ssh_config\.\d+:6\), which the ssh2 transport cannot honour; nothing was connected\. .*--transport openssh/,
  );
});

test("a host presenting a host certificate: @cert-authority lines are ignored with a warning (ssh2 cannot negotiate certificates)", async () => {
  const certDir = join(dir, "cert");
  mkdirSync(certDir);
  const ca = makeKey(certDir, "host_ca");
  const hostKey = makeKey(certDir, "host_ed25519");
  execFileSync("ssh-keygen", [
    "-q",
    "-s",
    ca.privateFile,
    "-h",
    "-I",
    "test-host",
    "-n",
    "127.0.0.1",
    `${hostKey.privateFile}.pub`,
  ]);
  const certified = await startSshd({
    dir: certDir,
    authorizedKeys: [userKey.publicLine],
    hostKey,
    extraConfig: [`HostCertificate ${hostKey.privateFile}-cert.pub`],
  });
  assert.match(
    readFileSync(`${hostKey.privateFile}-cert.pub`, "utf8"),
    /^ssh-ed25519-cert-v01@openssh\.com /,
  );
  const caOnly = file("kh-ca", [`@cert-authority * ${ca.publicLine}`]);
  const warnings: string[] = [];
  const spec = { ...hostFrom(`  UserKnownHostsFile ${caOnly}\n`), port: certified.port };
  const err = await refusal(transport({ warn: (m) => warnings.push(m) }), spec);
  assert.equal(err.kind, "hostkey");
  assert.match(err.message, /host key not in .*kh-ca: ssh-ed25519 /);
  assert.deepEqual(warnings, [
    `${caOnly}:1: @cert-authority lines are not supported by the ssh2 transport (it cannot negotiate host certificates); line ignored, so a host trusted only through it counts as unknown`,
  ]);
  certified.stop();
});
