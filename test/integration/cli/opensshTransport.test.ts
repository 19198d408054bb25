// Issue 18: --transport openssh through the real CLI on namespace hosts (facts, apply, revert),
// and a host reachable only through `ProxyCommand ssh -W %h:%p bastion` in an ssh_config, which
// --transport auto sends to the system ssh. No ControlMaster or control directory is left behind.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
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
let behind: FleetHost;
let direct: FleetHost[];
let knownHosts: string;
let profile: string;
let original: KnobValues;
let controlDirsBefore: Set<string>;
const APPLIED: Partial<KnobValues> = {
  "net.netfilter.nf_conntrack_log_invalid": "6",
  "net.netfilter.nf_log.10": "NONE",
};

const controlDirs = (): string[] => readdirSync(tmpdir()).filter((n) => n.startsWith("nfdebug-ssh-"));
/** ssh processes (masters included) naming this suite's directory. */
const sshProcesses = (): string[] =>
  execFileSync("ps", ["-eo", "args"], { encoding: "utf8" })
    .split("\n")
    .filter((l) => l.startsWith("ssh ") && l.includes(dir));

before(async () => {
  dir = mkdtempSync(join(tmpdir(), "nfd-cli-openssh-"));
  controlDirsBefore = new Set(controlDirs());
  fleet = await startFleet({ count: 3 });
  direct = [fleet.host("h001"), fleet.host("h002")];
  behind = fleet.host("h003");
  bastion = await startBastion(readFileSync(`${fleet.identityFile}.pub`, "utf8").trim());
  const behindLine = await exposeBehind(bastion, behind, 22);
  knownHosts = join(dir, "known_hosts");
  writeFileSync(
    knownHosts,
    [readFileSync(fleet.knownHostsFile, "utf8").trim(), bastion.knownHostsLine, behindLine].join("\n") + "\n",
  );
  profile = writeProfile(dir, "openssh-tcp", "log_invalid: tcp\nnf_log:\n  ipv6: NONE\nwindow: 10m\n");
  original = (await fleetValues(fleet)).get("h001")!;
});

after(async () => {
  runCleanups();
  await fleet?.stop();
  rmSync(dir, { recursive: true, force: true });
  if (fleet) assert.deepEqual(fleet.leftovers(), [], "nothing of the fleet is left");
});

const flags = (inventory: string, ...more: string[]) => [
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
  assert.equal(run.json!.summary.ok, hosts, run.stderr);
  assert.equal(run.json!.summary.failed, 0, run.stderr);
}

async function applyAndRevert(hosts: FleetHost[], ...args: string[]): Promise<CliResult> {
  const facts = await runCli(["facts", ...args]);
  assertAllOk(facts, "facts", hosts.length);
  for (const h of facts.json!.hosts)
    assert.match(String((h.facts as { kernel: string }).kernel), /^\d+\.\d+/);
  const applied = await runCli(["apply", profile, ...args]);
  assertAllOk(applied, "apply", hosts.length);
  await assertValues(fleet, hosts, { ...original, ...APPLIED }, "applied through ssh");
  const reverted = await runCli(["revert", ...args]);
  assertAllOk(reverted, "revert", hosts.length);
  await assertValues(fleet, hosts, original, "reverted through ssh");
  for (const h of hosts) assert.equal(windowHeader(h), null, `${h.name}: no window left`);
  return facts;
}

function assertNothingLeft(): void {
  assert.deepEqual(
    controlDirs().filter((n) => !controlDirsBefore.has(n)),
    [],
    "control directories removed",
  );
  assert.deepEqual(sshProcesses(), [], "no ssh master left");
}

test("--transport openssh: facts, apply and revert on namespace hosts through the system ssh", async () => {
  const inventory = join(dir, "direct.yaml");
  writeFileSync(
    inventory,
    "hosts:\n" +
      direct
        .map(
          (h) =>
            `  - name: ${h.name}\n    address: 127.0.0.1\n    port: ${h.port}\n    user: root\n    identity: ${fleet.identityFile}\n`,
        )
        .join(""),
  );
  const emptyConfig = join(dir, "empty_ssh_config");
  writeFileSync(emptyConfig, "");
  const facts = await applyAndRevert(
    direct,
    ...flags(inventory, "--transport", "openssh", "--ssh-config", emptyConfig),
  );
  assert.doesNotMatch(facts.stderr, /--transport auto/);
  assertNothingLeft();
});

test("a host reachable only through ProxyCommand: auto picks openssh for it and says why; ssh2 cannot reach it", async () => {
  const config = join(dir, "ssh_config");
  writeFileSync(
    config,
    [
      "Host bastion",
      `  HostName ${bastion.net.bastionAddress}`,
      "Host behind1",
      `  HostName ${bastion.net.targetAddress}`,
      `  ProxyCommand ssh -F ${config} -W %h:%p bastion`,
      "Host *",
      "  User root",
      `  IdentityFile ${fleet.identityFile}`,
      `  UserKnownHostsFile ${knownHosts}`,
      "  BatchMode yes",
      "",
    ].join("\n"),
  );
  const inventory = join(dir, "proxied.yaml");
  writeFileSync(
    inventory,
    `hosts:\n  - name: behind1\n  - name: direct1\n    address: 127.0.0.1\n    port: ${direct[0]!.port}\n    identity: ${fleet.identityFile}\n`,
  );
  const facts = await applyAndRevert([behind, direct[0]!], ...flags(inventory, "--ssh-config", config));
  assert.match(
    facts.stderr,
    /--transport auto: openssh for 1 host\(s\) whose ssh_config sets ProxyCommand \(behind1\); ssh2 for the other 1/,
  );
  assertNothingLeft();

  const viaSsh2 = await runCli([
    "facts",
    ...flags(
      inventory,
      "--ssh-config",
      config,
      "--transport",
      "ssh2",
      "--connect-timeout",
      "5s",
      "--limit",
      "behind1",
    ),
  ]);
  assert.equal(viaSsh2.code, 2, viaSsh2.stderr);
  // ssh2 cannot run a ProxyCommand: the host is refused before any connection, not sent elsewhere.
  assert.equal(viaSsh2.json!.hosts[0]!.error?.kind, "unsupported", viaSsh2.json!.hosts[0]!.error?.message);
  assert.match(viaSsh2.json!.hosts[0]!.error!.message, /--transport openssh/);
});

test("an Ansible inventory whose ansible_ssh_common_args set a ProxyCommand: auto sends the host to the system ssh, which runs it", async () => {
  // No ssh_config at all: the bastion's address, user and key come from the inventory's own
  // ProxyCommand, as an Ansible user writes it.
  const emptyConfig = join(dir, "empty_ssh_config.ansible");
  writeFileSync(emptyConfig, "");
  const proxy = `ssh -F ${emptyConfig} -i ${fleet.identityFile} -o UserKnownHostsFile=${knownHosts} -o BatchMode=yes -W %h:%p root@${bastion.net.bastionAddress}`;
  const inventory = join(dir, "ansible-hosts");
  writeFileSync(
    inventory,
    [
      "[gated]",
      `behind1 ansible_host=${bastion.net.targetAddress} ansible_user=root ansible_ssh_private_key_file=${fleet.identityFile}`,
      "",
      "[gated:vars]",
      `ansible_ssh_common_args='-o ProxyCommand="${proxy}"'`,
      "",
      "[plain]",
      `direct1 ansible_host=127.0.0.1 ansible_port=${direct[0]!.port} ansible_user=root ansible_ssh_private_key_file=${fleet.identityFile}`,
      "",
    ].join("\n"),
  );
  const facts = await applyAndRevert([behind, direct[0]!], ...flags(inventory, "--ssh-config", emptyConfig));
  assert.match(
    facts.stderr,
    /--transport auto: openssh for 1 host\(s\) whose inventory entry sets ProxyCommand \(behind1\); ssh2 for the other 1/,
  );
  assertNothingLeft();

  const viaSsh2 = await runCli([
    "facts",
    ...flags(inventory, "--ssh-config", emptyConfig, "--transport", "ssh2", "--limit", "behind1"),
  ]);
  assert.equal(viaSsh2.code, 2, viaSsh2.stderr);
  const refused = viaSsh2.json!.hosts[0]!.error!;
  assert.equal(refused.kind, "unsupported", refused.message);
  assert.match(refused.message, new RegExp(`the inventory sets ProxyCommand \\(${inventory}:5\\)`));
});
