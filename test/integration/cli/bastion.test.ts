// Issue 9: hosts reachable only through a bastion, through the real CLI. Two namespace fleet hosts
// sit behind a bastion sshd (their address is routable only from the bastion's namespace), one
// more is reached directly. The jump is configured once in an ssh_config file (--ssh-config, with
// ProxyJump naming an alias of that file), once in the nfdebug inventory (jump:), once in an
// Ansible inventory (ansible_ssh_common_args -J). Each hop's host key is verified.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startFleet, type Fleet, type FleetHost } from "../../fleet/netns.js";
import { runCli, type CliResult } from "../../support/cli.js";
import { runCleanups } from "../transport/harness/cleanup.js";
import { exposeBehind, startBastion, type Bastion } from "./behindBastion.js";
import { assertValues, fleetValues, windowHeader, writeProfile, type KnobValues } from "./fleetProbe.js";

let fleet: Fleet;
let dir: string;
let bastion: Bastion;
let behind: FleetHost[];
let direct: FleetHost;
let knownHosts: string;
let profile: string;
let original: KnobValues;
const TARGET_PORTS = [22, 2222];
const APPLIED: Partial<KnobValues> = {
  "net.netfilter.nf_conntrack_log_invalid": "6",
  "net.netfilter.nf_log.10": "NONE",
};

before(async () => {
  dir = mkdtempSync(join(tmpdir(), "nfd-cli-bastion-"));
  fleet = await startFleet({ count: 3 });
  behind = [fleet.host("h001"), fleet.host("h002")];
  direct = fleet.host("h003");
  bastion = await startBastion(readFileSync(`${fleet.identityFile}.pub`, "utf8").trim());
  const targetLines = await Promise.all(behind.map((h, i) => exposeBehind(bastion, h, TARGET_PORTS[i])));
  const directLine = readFileSync(fleet.knownHostsFile, "utf8")
    .split("\n")
    .find((l) => l.startsWith(`[127.0.0.1]:${direct.port} `))!;
  knownHosts = join(dir, "known_hosts");
  writeFileSync(knownHosts, [bastion.knownHostsLine, ...targetLines, directLine].join("\n") + "\n");
  profile = writeProfile(dir, "bastion-tcp", "log_invalid: tcp\nnf_log:\n  ipv6: NONE\nwindow: 10m\n");
  original = (await fleetValues(fleet)).get("h001")!;
});

after(async () => {
  runCleanups(); // socat listeners first: their sshd children live in the fleet's namespaces
  await fleet?.stop();
  rmSync(dir, { recursive: true, force: true });
  if (fleet) assert.deepEqual(fleet.leftovers(), [], "nothing of the fleet is left");
});

const args = (inventory: string, ...more: string[]) => [
  "-i",
  inventory,
  "--known-hosts",
  knownHosts,
  "--connect-timeout",
  "30s",
  "--timeout",
  "60s",
  ...more,
];

function assertAllOk(run: CliResult, command: string, hosts: number): void {
  assert.equal(run.code, 0, `${command}: ${run.stderr}`);
  assert.equal(run.json?.command, command);
  assert.equal(run.json!.summary.ok, hosts, run.stderr);
  assert.equal(run.json!.summary.failed, 0, run.stderr);
}

/** facts, apply (values checked inside the hosts), revert (values back, no window left). */
async function applyAndRevert(inventory: string, ...more: string[]): Promise<void> {
  const hosts = [...behind, direct];
  const facts = await runCli(["facts", ...args(inventory, ...more)]);
  assertAllOk(facts, "facts", 3);
  for (const h of facts.json!.hosts)
    assert.match(String((h.facts as { kernel: string }).kernel), /^\d+\.\d+/);

  const applied = await runCli(["apply", profile, ...args(inventory, ...more)]);
  assertAllOk(applied, "apply", 3);
  assert.equal(applied.json!.summary.changed, 3);
  await assertValues(fleet, hosts, { ...original, ...APPLIED }, "applied through the bastion");
  for (const h of hosts) assert.equal(windowHeader(h)?.id, applied.json!.window);

  const reverted = await runCli(["revert", ...args(inventory, ...more)]);
  assertAllOk(reverted, "revert", 3);
  await assertValues(fleet, hosts, original, "reverted through the bastion");
  for (const h of hosts) assert.equal(windowHeader(h), null, `${h.name}: no window left`);
}

const directLines = () =>
  `  - name: direct1\n    address: 127.0.0.1\n    port: ${direct.port}\n    identity: ${fleet.identityFile}\n`;

test("the targets are not reachable without the bastion (the jump is really used)", async () => {
  const inventory = join(dir, "no-jump.yaml");
  writeFileSync(
    inventory,
    `defaults:\n  identity: ${fleet.identityFile}\nhosts:\n  - name: behind1\n    address: ${bastion.net.targetAddress}\n`,
  );
  const run = await runCli(["facts", ...args(inventory, "--connect-timeout", "5s")]);
  assert.equal(run.code, 2, run.stderr);
  assert.equal(run.json!.hosts[0].error?.kind, "unreachable", run.json!.hosts[0].error?.message);
});

test("ProxyJump in an ssh_config file (--ssh-config): the jump host is an alias resolved in the same file", async () => {
  const config = join(dir, "ssh_config");
  writeFileSync(
    config,
    [
      "Host bastion",
      `  HostName ${bastion.net.bastionAddress}`,
      "  User root",
      `  IdentityFile ${fleet.identityFile}`,
      "Host behind1",
      `  HostName ${bastion.net.targetAddress}`,
      "Host behind2",
      `  HostName ${bastion.net.targetAddress}`,
      `  Port ${TARGET_PORTS[1]}`,
      "Host behind*",
      "  User root",
      `  IdentityFile ${fleet.identityFile}`,
      "  ProxyJump bastion",
      "",
    ].join("\n"),
  );
  const inventory = join(dir, "by-ssh-config.yaml");
  writeFileSync(inventory, `hosts:\n  - name: behind1\n  - name: behind2\n${directLines()}`);
  await applyAndRevert(inventory, "--ssh-config", config);
});

test("jump: in the nfdebug inventory", async () => {
  const inventory = join(dir, "by-inventory.yaml");
  writeFileSync(
    inventory,
    [
      "defaults:",
      "  user: root",
      `  identity: ${fleet.identityFile}`,
      "hosts:",
      "  - name: behind1",
      `    address: ${bastion.net.targetAddress}`,
      `    jump: root@${bastion.net.bastionAddress}`,
      "  - name: behind2",
      `    address: ${bastion.net.targetAddress}`,
      `    port: ${TARGET_PORTS[1]}`,
      `    jump: root@${bastion.net.bastionAddress}:22`,
      directLines(),
    ].join("\n"),
  );
  await applyAndRevert(inventory);
});

test("-J in ansible_ssh_common_args of an Ansible INI inventory", async () => {
  const inventory = join(dir, "by-ansible.ini");
  writeFileSync(
    inventory,
    [
      "[behind]",
      `behind1 ansible_host=${bastion.net.targetAddress}`,
      `behind2 ansible_host=${bastion.net.targetAddress} ansible_port=${TARGET_PORTS[1]}`,
      "",
      "[direct]",
      `direct1 ansible_host=127.0.0.1 ansible_port=${direct.port}`,
      "",
      "[behind:vars]",
      `ansible_ssh_common_args=-J root@${bastion.net.bastionAddress}`,
      "",
      "[all:vars]",
      "ansible_user=root",
      `ansible_ssh_private_key_file=${fleet.identityFile}`,
      "",
    ].join("\n"),
  );
  await applyAndRevert(inventory);
});

test("the bastion's own host key is verified: unknown under strict, recorded under accept-new", async () => {
  const inventory = join(dir, "by-inventory.yaml");
  const withoutBastion = join(dir, "known_hosts.no-bastion");
  const lines = readFileSync(knownHosts, "utf8").split("\n").filter(Boolean);
  writeFileSync(withoutBastion, lines.filter((l) => l !== bastion.knownHostsLine).join("\n") + "\n");
  const flags = (policy: string) => [
    "-i",
    inventory,
    "--known-hosts",
    withoutBastion,
    "--host-key-policy",
    policy,
  ];

  const refused = await runCli(["facts", ...flags("strict")]);
  assert.equal(refused.code, 2, refused.stderr);
  const fingerprint = /SHA256:[A-Za-z0-9+/]{43}/;
  for (const name of ["behind1", "behind2"]) {
    const h = refused.json!.hosts.find((x) => x.host === name)!;
    assert.equal(h.error?.kind, "hostkey", h.error?.message);
    assert.match(
      h.error!.message,
      new RegExp(`jump host root@${bastion.net.bastionAddress.replaceAll(".", "\\.")}:22`),
    );
    assert.match(h.error!.message, fingerprint);
  }
  assert.equal(
    refused.json!.hosts.find((x) => x.host === "direct1")?.ok,
    true,
    "the direct host is not affected",
  );

  const accepted = await runCli(["facts", ...flags("accept-new")]);
  assertAllOk(accepted, "facts", 3);
  const recorded = readFileSync(withoutBastion, "utf8").split("\n").filter(Boolean);
  assert.equal(recorded.length, lines.length, "exactly one line was added");
  assert.ok(
    recorded.some((l) => l.startsWith(`${bastion.net.bastionAddress} ssh-ed25519 `)),
    recorded.join("\n"),
  );
  assertAllOk(await runCli(["facts", ...flags("strict")]), "facts", 3);
});
