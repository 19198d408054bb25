// Issue 18: SSH certificates, through the real CLI against namespace hosts whose sshd trusts a CA.
// - h001 accepts only a CA-signed user certificate (TrustedUserCAKeys; the key itself is in no
//   authorized_keys): the openssh transport logs in with it; under `auto` an ssh_config naming the
//   CertificateFile sends the host the openssh way; ssh2 alone cannot and fails with kind auth.
// - h002 presents a host certificate (HostCertificate): with the openssh transport a known_hosts
//   with only an `@cert-authority` line for the CA trusts it; without that line it is refused
//   (kind hostkey). auto sends it to the system ssh for that reason; ssh2 cannot negotiate
//   certificate host keys and refuses it either way.
// sshd runs per connection (inetd mode), so lines appended to a host's sshd_config apply at once.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startFleet, type Fleet, type FleetHost } from "../../fleet/netns.js";
import { runCli, type CliResult } from "../../support/cli.js";

let fleet: Fleet;
let dir: string;
let ca: string;
let userKey: string;
let inventory: string;

const keygen = (...args: string[]) => execFileSync("ssh-keygen", ["-q", ...args], { stdio: "pipe" });
const host = (name: string): FleetHost => fleet.hosts.find((h) => h.name === name)!;
const sshdConfigOf = (h: FleetHost) => join(h.dir, "sshd_config");

before(async () => {
  dir = mkdtempSync(join(tmpdir(), "nfd-cli-certs-"));
  fleet = await startFleet({ count: 2 });
  ca = join(dir, "ca");
  keygen("-t", "ed25519", "-N", "", "-C", "nfdebug-test-ca", "-f", ca);

  // h001: a user certificate for root, from a key no authorized_keys lists.
  userKey = join(dir, "user");
  keygen("-t", "ed25519", "-N", "", "-C", "cert-user", "-f", userKey);
  keygen("-s", ca, "-I", "nfdebug-test-user", "-n", "root", "-V", "-5m:+1h", `${userKey}.pub`);
  appendFileSync(sshdConfigOf(host("h001")), `TrustedUserCAKeys ${ca}.pub\n`);

  // h002: its host key, certified by the CA for its name and address.
  const h2 = host("h002");
  const hostPub = join(dir, "h002_host.pub");
  writeFileSync(hostPub, `${h2.hostKey}\n`);
  keygen("-s", ca, "-h", "-I", "h002-host", "-n", "h002,127.0.0.1", "-V", "-5m:+1h", hostPub);
  appendFileSync(sshdConfigOf(h2), `HostCertificate ${join(dir, "h002_host-cert.pub")}\n`);

  inventory = join(dir, "hosts.yaml");
  writeFileSync(
    inventory,
    `hosts:\n${fleet.hosts.map((h) => `  - name: ${h.name}\n    address: 127.0.0.1\n    port: ${h.port}\n`).join("")}`,
  );
});

after(async () => {
  await fleet?.stop();
  rmSync(dir, { recursive: true, force: true });
  if (fleet) assert.deepEqual(fleet.leftovers(), [], "nothing of the fleet is left");
});

const facts = (args: string[]): Promise<CliResult> =>
  runCli(["facts", "-i", inventory, "--connect-timeout", "20s", "--timeout", "60s", ...args]);

const outcome = (cli: CliResult, name: string) => cli.json?.hosts.find((h) => h.host === name);

test("a user certificate logs in through the openssh transport; ssh2 cannot and says auth", async () => {
  const viaOpenssh = await facts([
    "-l",
    "h001",
    "--transport",
    "openssh",
    "--identity",
    userKey,
    "--known-hosts",
    fleet.knownHostsFile,
  ]);
  assert.equal(viaOpenssh.code, 0, viaOpenssh.stderr);
  assert.equal(outcome(viaOpenssh, "h001")?.ok, true);

  const viaSsh2 = await facts([
    "-l",
    "h001",
    "--transport",
    "ssh2",
    "--identity",
    userKey,
    "--known-hosts",
    fleet.knownHostsFile,
  ]);
  assert.equal(viaSsh2.code, 2, viaSsh2.stderr);
  assert.equal(outcome(viaSsh2, "h001")?.error?.kind, "auth");
});

test("auto sends a host whose ssh_config names a CertificateFile the openssh way, and says so", async () => {
  // The inventory names the host only; ssh_config says where it is and how to log in, as in a
  // fleet whose ssh_config a certificate tool writes.
  const h1 = host("h001");
  const byName = join(dir, "by-name.yaml");
  writeFileSync(byName, "hosts:\n  - name: h001\n");
  const config = join(dir, "ssh_config");
  writeFileSync(
    config,
    `Host h001\n  HostName 127.0.0.1\n  Port ${h1.port}\n  User root\n  IdentityFile ${userKey}\n  CertificateFile ${userKey}-cert.pub\n`,
  );
  const cli = await runCli([
    "facts",
    "-i",
    byName,
    "--ssh-config",
    config,
    "--known-hosts",
    fleet.knownHostsFile,
    "--connect-timeout",
    "20s",
  ]);
  assert.equal(cli.code, 0, `${cli.stderr}\n${JSON.stringify(cli.json?.hosts[0]?.error)}`);
  assert.equal(outcome(cli, "h001")?.ok, true);
  assert.match(
    cli.stderr,
    /^nfdebug: --transport auto: openssh for 1 host\(s\) whose ssh_config sets CertificateFile \(h001\)/m,
  );
  assert.doesNotMatch(
    cli.stderr,
    /ssh2 transport ignores/,
    "the host went to the system ssh, which honours it",
  );
});

test("a host certificate is trusted through @cert-authority by the openssh transport, and refused without the CA line", async () => {
  const trusting = join(dir, "known_hosts.ca");
  writeFileSync(trusting, `@cert-authority * ${readFileSync(`${ca}.pub`, "utf8").trim()}\n`);
  const args = (knownHosts: string, transport: string) => [
    "-l",
    "h002",
    "--transport",
    transport,
    "--identity",
    fleet.identityFile,
    "--known-hosts",
    knownHosts,
  ];
  const ok = await facts(args(trusting, "openssh"));
  assert.equal(ok.code, 0, ok.stderr);
  assert.equal(outcome(ok, "h002")?.ok, true);

  const empty = join(dir, "known_hosts.empty");
  writeFileSync(empty, "");
  const refused = await facts(args(empty, "openssh"));
  assert.equal(refused.code, 2, refused.stderr);
  assert.equal(outcome(refused, "h002")?.error?.kind, "hostkey");
  assert.equal(readFileSync(empty, "utf8"), "", "nothing recorded");

  // auto sees that known_hosts vouches for the host only through the CA, and lets ssh check it.
  const viaAuto = await facts(args(trusting, "auto"));
  assert.equal(viaAuto.code, 0, viaAuto.stderr);
  assert.equal(outcome(viaAuto, "h002")?.ok, true);
  assert.match(
    viaAuto.stderr,
    /^nfdebug: --transport auto: openssh for 1 host\(s\) known only through @cert-authority in known_hosts \(host certificates\) \(h002\)/m,
  );

  // ssh2 cannot negotiate certificate host keys: the CA line is ignored with a warning, and the
  // host, known by no plain key, is refused.
  const viaSsh2 = await facts(args(trusting, "ssh2"));
  assert.equal(viaSsh2.code, 2, viaSsh2.stderr);
  assert.equal(outcome(viaSsh2, "h002")?.error?.kind, "hostkey");
  assert.match(viaSsh2.stderr, /@cert-authority/);
});
