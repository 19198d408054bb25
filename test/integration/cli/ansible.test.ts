// Issue 9: Ansible inventories of the test fleet, written the way Ansible users write them (INI and
// YAML: groups, children, [group:vars], ansible_host/port/user/ssh_private_key_file/become), work
// unchanged for facts, apply and revert, with --limit over their groups.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startFleet, type Fleet } from "../../fleet/netns.js";
import { runCli, type CliResult } from "../../support/cli.js";
import {
  assertValues,
  fleetValues,
  windowHeader,
  writeProfile,
  type KnobValues,
  stopFleet,
} from "./fleetProbe.js";

let fleet: Fleet;
let dir: string;
let profile: string;
let original: KnobValues;
let ini: string;
let yaml: string;
const APPLIED: Partial<KnobValues> = {
  "net.netfilter.nf_conntrack_log_invalid": "6",
  "net.netfilter.nf_log.10": "NONE",
};

before(async () => {
  dir = mkdtempSync(join(tmpdir(), "nfd-cli-ansible-"));
  fleet = await startFleet({ count: 3, sudoHost: true });
  profile = writeProfile(dir, "ansible-tcp", "log_invalid: tcp\nnf_log:\n  ipv6: NONE\nwindow: 10m\n");
  original = (await fleetValues(fleet)).get("h001")!;
  const port = (name: string) => fleet.host(name).port;
  ini = join(dir, "hosts.ini");
  writeFileSync(
    ini,
    [
      "# The namespace test fleet, as an Ansible INI inventory.",
      "[web]",
      `h001 ansible_host=127.0.0.1 ansible_port=${port("h001")}`,
      `h002 ansible_host=127.0.0.1 ansible_port=${port("h002")}  # an inline comment`,
      "",
      "[db]",
      `h003 ansible_host=127.0.0.1 ansible_port=${port("h003")}`,
      "",
      "[admins]",
      `hsudo ansible_host=127.0.0.1 ansible_port=${port("hsudo")} ansible_user=nfdtest`,
      "",
      "[fleet:children]",
      "web",
      "db",
      "",
      "[admins:vars]",
      "ansible_become=yes",
      "",
      "[all:vars]",
      "ansible_user=root",
      `ansible_ssh_private_key_file=${fleet.identityFile}`,
      "",
    ].join("\n"),
  );
  yaml = join(dir, "hosts.yaml");
  writeFileSync(
    yaml,
    [
      "# The same fleet, in Ansible's YAML format.",
      "all:",
      "  vars:",
      "    ansible_user: root",
      `    ansible_ssh_private_key_file: ${fleet.identityFile}`,
      "  children:",
      "    fleet:",
      "      vars:",
      "        ansible_host: 127.0.0.1",
      "      children:",
      "        web:",
      "          hosts:",
      `            h001: { ansible_port: ${port("h001")} }`,
      `            h002: { ansible_port: ${port("h002")} }`,
      "        db:",
      "          hosts:",
      "            h003:",
      `              ansible_port: ${port("h003")}`,
      "    admins:",
      "      vars:",
      "        ansible_become: true",
      "      hosts:",
      "        hsudo:",
      "          ansible_host: 127.0.0.1",
      `          ansible_port: ${port("hsudo")}`,
      "          ansible_user: nfdtest",
      "",
    ].join("\n"),
  );
});

after(() => stopFleet(fleet, dir));

const args = (inventory: string, ...more: string[]) => [
  "-i",
  inventory,
  "--known-hosts",
  fleet.knownHostsFile,
  "--connect-timeout",
  "30s",
  "--timeout",
  "60s",
  ...more,
];
const hostNames = (run: CliResult) => run.json!.hosts.map((h) => h.host).sort();

for (const format of ["INI", "YAML"] as const) {
  test(`an Ansible ${format} inventory of the fleet: facts, apply and revert, unchanged`, async () => {
    const inventory = format === "INI" ? ini : yaml;
    const facts = await runCli(["facts", ...args(inventory)]);
    assert.equal(facts.code, 0, facts.stderr);
    assert.deepEqual(hostNames(facts), ["h001", "h002", "h003", "hsudo"]);
    const uid = (name: string) =>
      (facts.json!.hosts.find((h) => h.host === name)!.facts as { uid: number }).uid;
    assert.equal(uid("hsudo"), 0, "ansible_become from the group vars: root through sudo");

    const limited = await runCli(["facts", ...args(inventory, "-l", "fleet,!db")]);
    assert.equal(limited.code, 0, limited.stderr);
    assert.deepEqual(hostNames(limited), ["h001", "h002"], "children groups and exclusions");

    const applied = await runCli(["apply", profile, ...args(inventory)]);
    assert.equal(applied.code, 0, applied.stderr);
    assert.deepEqual(applied.json!.summary, { ok: 4, changed: 4, failed: 0 });
    await assertValues(
      fleet,
      fleet.hosts,
      { ...original, ...APPLIED },
      `applied through the ${format} inventory`,
    );
    for (const h of fleet.hosts) assert.equal(windowHeader(h)?.id, applied.json!.window);

    const reverted = await runCli(["revert", ...args(inventory, "-l", "web,db,admins")]);
    assert.equal(reverted.code, 0, reverted.stderr);
    assert.deepEqual(reverted.json!.summary, { ok: 4, changed: 4, failed: 0 });
    await assertValues(fleet, fleet.hosts, original, `reverted through the ${format} inventory`);
    for (const h of fleet.hosts) assert.equal(windowHeader(h), null);
  });
}
