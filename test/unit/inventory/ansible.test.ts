// Ansible INI and YAML inventories, read unchanged: groups, children, vars precedence, ranges,
// host:port, and clear errors for what nfdebug does not support.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { formatProblem } from "../../../src/errors.js";
import { loadInventory, inventoryProblems } from "../../../src/inventory/load.js";
import { inventorySource, readInventorySource } from "../../../src/inventory/source.js";
import type { HostSpec } from "../../../src/inventory/types.js";
import { proxyOf } from "../../../src/inventory/ansible-vars.js";
import { useRepoRoot } from "../files/repo-root.js";

useRepoRoot();

function fleet(webGroups: string[], dbGroups: string[]): HostSpec[] {
  const webKey = resolve("keys/web key");
  const jump = (identityFiles: string[]) => [
    { address: "192.0.2.1", port: 2022, user: "admin", identityFiles },
  ];
  const web = (name: string, address = name, port = 22): HostSpec => ({
    name,
    address,
    port,
    user: "eu_admin",
    identityFiles: [webKey],
    groups: webGroups,
    become: true,
    jump: jump([webKey]),
    explicit: [...(address !== name ? ["address" as const] : []), "port", "user", "identityFiles", "jump"],
  });
  const db = (name: string, user: string, become: boolean): HostSpec => ({
    name,
    address: name,
    port: 22,
    user,
    identityFiles: [],
    groups: dbGroups,
    become,
    jump: jump([]),
    explicit: ["port", "user", "jump"],
  });
  return [
    {
      name: "bastion.example.com",
      address: "bastion.example.com",
      port: 2200,
      user: "jump",
      identityFiles: [],
      groups: [],
      become: false,
      jump: jump([]),
      explicit: ["port", "user", "jump"],
    },
    web("web01"),
    web("web02"),
    web("web03"),
    web("web04", "192.0.2.14", 2222),
    db("db-a.example.com", "dbadmin", true),
    db("db-b.example.com", "dbadmin", true),
    db("db-c.example.com", "eu_admin", false),
  ];
}

test("an Ansible INI inventory: ranges, host:port, children, [group:vars] and precedence", async () => {
  const inventory = await loadInventory("test/fixtures/good/ansible-fleet.ini");
  assert.equal(inventory.file, "test/fixtures/good/ansible-fleet.ini");
  assert.deepEqual(inventory.hosts, fleet(["web", "eu"], ["db", "eu"]));
});

test("the same fleet as an Ansible YAML inventory gives the same hosts", async () => {
  const inventory = await loadInventory("test/fixtures/good/ansible-fleet.yaml");
  assert.deepEqual(inventory.hosts, fleet(["eu", "web"], ["eu", "db"]));
});

test("formats are told apart by content when the extension says nothing", () => {
  assert.equal(inventorySource("[web]\nweb1\n", "hosts").format, "ansible-ini");
  assert.equal(inventorySource("web1\nweb2\n", "hosts").format, "ansible-ini");
  assert.equal(inventorySource("all:\n  hosts:\n    web1:\n", "hosts").format, "ansible-yaml");
  assert.equal(inventorySource("hosts:\n  - name: web1\n", "hosts").format, "nfdebug");
  // Broken YAML that is clearly YAML is reported as YAML, not misread as INI.
  assert.deepEqual(inventorySource("hosts:\n  - name: [web1\n", "hosts").problems.map(formatProblem), [
    "hosts:3:1: YAML syntax: Flow sequence in block collection must be sufficiently indented and end with a ]",
  ]);
});

test("INI host lines: quotes, inline comments, IPv6 names and bad tokens", () => {
  const source = inventorySource(
    "[v6]\n2001:db8::5 ansible_user='ops' # comment\n[bad]\nweb9 ansible_host\n",
    "inv.ini",
  );
  assert.deepEqual(source.problems.map(formatProblem), [
    'inv.ini:4:6: expected key=value after the host name, found "ansible_host"',
  ]);
  const ok = inventorySource("[v6]\n2001:db8::5 ansible_user='ops' # comment\n", "inv.ini");
  assert.deepEqual(inventoryProblems(ok), []);
  assert.deepEqual((ok.data as { hosts: unknown[] }).hosts, [
    { name: "2001:db8::5", groups: ["v6"], user: "ops" },
  ]);
});

test("INI vars sections may come before their group; unknown sections are located", () => {
  const source = inventorySource("[web:vars]\nansible_port=2022\n[web]\nweb1\n[web:hostz]\n", "inv.ini");
  assert.deepEqual(source.problems.map(formatProblem), [
    "inv.ini:5:2: section [web:hostz] is not [group], [group:vars] or [group:children]",
  ]);
  const good = inventorySource("[web:vars]\nansible_port=2022\n[web]\nweb1\n", "inv.ini");
  assert.deepEqual((good.data as { hosts: unknown[] }).hosts, [
    { name: "web1", groups: ["web"], port: 2022 },
  ]);
});

test("values are checked against the inventory schema and located where they were written", () => {
  const source = inventorySource(
    "[web]\nweb1 ansible_host=192.0.2.1;reboot ansible_user=-oops\n[web:vars]\nansible_port=70000\n",
    "inv.ini",
  );
  assert.deepEqual(inventoryProblems(source).map(formatProblem), [
    'inv.ini:2:19: host web1, ansible_host: "192.0.2.1;reboot" is not a host name, IPv4 or IPv6 address',
    'inv.ini:2:49: host web1, ansible_user: "-oops" is not a valid user name: use letters, digits, "_", "." and "-" (not first), at most 32 characters',
    "inv.ini:4:14: group web, ansible_port: 70000 must be at most 65535",
  ]);
});

test("a host name that cannot be an address needs ansible_host", () => {
  const source = inventorySource("[web]\nweb_1!\n", "inv.ini");
  assert.deepEqual(inventoryProblems(source).map(formatProblem), [
    'inv.ini:2:1: host web_1!: "web_1!" is not a valid host name: use letters, digits, "_", ".", ":" and "-" (not first), at most 253 characters',
    'inv.ini:2:1: host web_1!: "web_1!" is not a host name, IPv4 or IPv6 address (set address: the name is used as the address when there is none)',
  ]);
});

test("vaulted values are only an error where nfdebug needs them", () => {
  const yaml = (v: string) =>
    `all:\n  hosts:\n    web1:\n      ansible_host: 192.0.2.10\n      ${v}: !vault |\n        $ANSIBLE_VAULT;1.1;AES256\n        61\n`;
  assert.deepEqual(inventoryProblems(inventorySource(yaml("ansible_become_password"), "inv.yaml")), []);
  assert.deepEqual(inventoryProblems(inventorySource(yaml("ansible_port"), "inv.yaml")).map(formatProblem), [
    "inv.yaml:5:28: host web1, ansible_port: vaulted values (!vault) are not supported by nfdebug; write this variable in clear text",
  ]);
});

test("Jinja2 templates in YAML are named as unsupported", () => {
  const source = inventorySource(
    "all:\n  vars:\n    ansible_user: \"{{ lookup('env', 'USER') }}\"\n  hosts:\n    web1:\n",
    "inv.yaml",
  );
  assert.deepEqual(inventoryProblems(source).map(formatProblem), [
    "inv.yaml:3:19: group all, ansible_user: Jinja2 templates ({{ ... }}) are not supported by nfdebug; write the value itself",
  ]);
});

test("YAML groups must be mappings of hosts, vars and children", () => {
  const source = inventorySource("all:\n  hosts: [web1, web2]\n  children:\n    web:\n", "inv.yaml");
  assert.deepEqual(inventoryProblems(source).map(formatProblem), [
    "inv.yaml:2:10: group all's hosts must be a mapping",
  ]);
});

test("an inventory without hosts is an error", () => {
  assert.deepEqual(inventoryProblems(inventorySource("[web]\n", "inv.ini")).map(formatProblem), [
    "inv.ini:1:1: inventory hosts: must list at least 1 item",
  ]);
});

test("ProxyJump and ProxyCommand are read from ssh arguments in every spelling, split as shlex splits them", () => {
  assert.deepEqual(proxyOf("-J a@b:1"), { jump: "a@b:1" });
  assert.deepEqual(proxyOf("-Ja@b"), { jump: "a@b" });
  assert.deepEqual(proxyOf("-o ProxyJump=x,y"), { jump: "x,y" });
  assert.deepEqual(proxyOf("-oProxyJump=x"), { jump: "x" });
  assert.deepEqual(proxyOf("-o 'ProxyJump x'"), { jump: "x" });
  assert.deepEqual(proxyOf("-o proxyjump=x"), { jump: "x" });
  assert.equal(proxyOf("-o StrictHostKeyChecking=no"), undefined);
  assert.deepEqual(proxyOf('-o ProxyCommand="ssh -W %h:%p b"'), { command: "ssh -W %h:%p b" });
  assert.deepEqual(proxyOf("-o 'ProxyCommand=ssh -W %h:%p -q b' -J x"), { command: "ssh -W %h:%p -q b" });
  assert.deepEqual(proxyOf('-C -o "ProxyCommand aws ssm start-session --target %h"'), {
    command: "aws ssm start-session --target %h",
  });
  assert.equal(proxyOf("-o 'ProxyCommand=ssh"), null, "an open quote");
});

test("an Ansible host's ProxyCommand becomes its proxy_command, located where ansible_ssh_common_args was written", async () => {
  const dir = mkdtempSync(join(tmpdir(), "nfd-ansible-proxy-"));
  try {
    const file = join(dir, "hosts");
    writeFileSync(
      file,
      "[gw]\nweb1 ansible_host=10.0.0.5\n\n[gw:vars]\nansible_ssh_common_args='-o ProxyCommand=\"ssh -W %h:%p -q bastion\"'\n",
    );
    const [web1] = (await loadInventory(file)).hosts;
    assert.deepEqual(web1!.proxyCommand, {
      command: "ssh -W %h:%p -q bastion",
      where: `${file}:5`,
      source: "inventory",
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("Ansible Vault files are named as unsupported (dynamic inventories: ansible-dynamic.test.ts)", () => {
  const vault = inventorySource("$ANSIBLE_VAULT;1.1;AES256\n6231\n", "hosts");
  assert.match(formatProblem(vault.problems[0]), /^hosts:1:1: this file is encrypted with Ansible Vault/);
});

test("group_vars/ and host_vars/ beside the inventory apply with Ansible's precedence", async () => {
  const inventory = await loadInventory("test/fixtures/good/ansible-vars/hosts");
  const pick = (h: HostSpec) => [h.name, h.address, h.port, h.user, h.become, h.identityFiles];
  assert.deepEqual(inventory.hosts.map(pick), [
    // host_vars beat inventory vars; group_vars/web beats group_vars/all beats [all:vars].
    ["web1", "192.0.2.21", 2222, "from_group_vars_web", true, ["/keys/web"]],
    // Inventory host vars beat group_vars; the vaulted group_vars file is skipped.
    ["web2", "web2", 2201, "inline_user", true, ["/keys/web"]],
    // host_vars files without an extension are read too; "no" is false.
    ["db1", "192.0.2.31", 2201, "from_group_vars_all", false, []],
  ]);
});

test("problems in group_vars/ files are located in those files", async () => {
  const dir = mkdtempSync(join(tmpdir(), "nfdebug-inventory-"));
  try {
    mkdirSync(join(dir, "group_vars"));
    writeFileSync(join(dir, "hosts.ini"), "[web]\nweb1\n");
    writeFileSync(
      join(dir, "group_vars", "web.yml"),
      "# web\nansible_port: 70000\nansible_user: !vault |\n  $ANSIBLE_VAULT;1.1\n  61\n",
    );
    const problems = inventoryProblems(await readInventorySource(join(dir, "hosts.ini")));
    assert.deepEqual(problems.map(formatProblem), [
      `${dir}/group_vars/web.yml:3:22: group web, ansible_user: vaulted values (!vault) are not supported by nfdebug; write this variable in clear text`,
    ]);
    writeFileSync(join(dir, "group_vars", "web.yml"), "ansible_port: 70000\n");
    assert.deepEqual(
      inventoryProblems(await readInventorySource(join(dir, "hosts.ini"))).map(formatProblem),
      [`${dir}/group_vars/web.yml:1:15: group web, ansible_port: 70000 must be at most 65535`],
    );
    writeFileSync(join(dir, "group_vars", "web.yml"), "- ansible_port\n");
    assert.deepEqual(
      inventoryProblems(await readInventorySource(join(dir, "hosts.ini"))).map(formatProblem),
      [`${dir}/group_vars/web.yml:1:1: a vars file must be a mapping of variables`],
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("nfdebug_textfile_dir (textfile_dir) sets a host's node_exporter directory; none turns it off; odd paths are located", async () => {
  const dir = mkdtempSync(join(tmpdir(), "nfd-inv-textfile-"));
  try {
    const file = join(dir, "inv.ini");
    writeFileSync(
      file,
      "[edge]\ne1\ne2 nfdebug_textfile_dir=none\n[edge:vars]\nnfdebug_textfile_dir=/var/lib/node_exporter/textfile_collector\n[plain]\nq1\n",
    );
    assert.deepEqual(
      (await loadInventory(file)).hosts.map((h) => [h.name, h.textfileDir]),
      [
        ["e1", "/var/lib/node_exporter/textfile_collector"],
        ["e2", null],
        ["q1", undefined],
      ],
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  for (const bad of ["textfiles", "/var/lib/../etc", "/x;rm"]) {
    const problems = inventoryProblems(
      inventorySource(`[web]\nweb1 nfdebug_textfile_dir=${bad}\n`, "inv.ini"),
    );
    assert.deepEqual(
      problems.map(formatProblem),
      [
        `inv.ini:2:27: host web1, nfdebug_textfile_dir: "${bad}" is not an absolute directory path of plain characters (or none)`,
      ],
      bad,
    );
  }
});

test("nfdebug_transport picks a host's transport per host or group; other values are located", async () => {
  const dir = mkdtempSync(join(tmpdir(), "nfd-inv-transport-"));
  try {
    const file = join(dir, "inv.ini");
    writeFileSync(
      file,
      "[proxied]\np1\np2 nfdebug_transport=ssh2\n[proxied:vars]\nnfdebug_transport=openssh\n[plain]\nq1\n",
    );
    const hosts = (await loadInventory(file)).hosts;
    assert.deepEqual(
      hosts.map((h) => [h.name, h.transport]),
      [
        ["p1", "openssh"],
        ["p2", "ssh2"],
        ["q1", undefined],
      ],
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const bad = inventorySource("[web]\nweb1 nfdebug_transport=paramiko\n", "inv.ini");
  assert.deepEqual(inventoryProblems(bad).map(formatProblem), [
    'inv.ini:2:24: host web1, nfdebug_transport: "paramiko" is not a transport: use openssh or ssh2',
  ]);
});
