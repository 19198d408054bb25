// Dynamic Ansible inventories: the JSON of `ansible-inventory --list` → hosts, through the same
// variable mapping as static inventories. layered.list.json was recorded with ansible-core 2.14
// from `ansible-inventory -i test/fixtures/ansible-dynamic/layered --list` (a static INI source
// with group_vars/ and host_vars/, and a constructed plugin over it).
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  chmodSync,
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { formatProblem, InputError } from "../../../src/errors.js";
import { inventoryProblems, loadInventory } from "../../../src/inventory/load.js";
import { hostSpecs } from "../../../src/inventory/normalise.js";
import { inventorySource, listedSource, readInventorySource } from "../../../src/inventory/source.js";
import type { InventoryDocument } from "../../../src/inventory/document.js";
import { useRepoRoot } from "../files/repo-root.js";

useRepoRoot();
const FIXTURES = "test/fixtures/ansible-dynamic";

function hostsOf(json: unknown) {
  const source = listedSource(json, "dyn");
  assert.deepEqual(inventoryProblems(source).map(formatProblem), []);
  return hostSpecs(source.data as InventoryDocument, "/base").map((h) => ({
    ...h,
    groups: [...h.groups].sort(),
  }));
}

test("recorded ansible-inventory --list output: groups, children, hostvars", () => {
  const json = JSON.parse(readFileSync(`${FIXTURES}/layered.list.json`, "utf8")) as unknown;
  const jump = [{ address: "192.0.2.1", port: 2022, user: "jump", identityFiles: [] as string[] }];
  const key = (name: string) => [`/keys/${name}`];
  assert.deepEqual(
    hostsOf(json).map((h) => [
      h.name,
      h.address,
      h.port,
      h.user,
      h.become,
      h.identityFiles,
      h.groups,
      h.jump,
    ]),
    [
      // "yes" is true, as Ansible reads it; groups made by the constructed plugin count.
      ["db1", "192.0.2.21", 22, "admin", true, key("db1"), ["db", "env_prod", "prod"], []],
      // ansible_ssh_user and the port from host_vars/db2.yml.
      ["db2", "192.0.2.22", 2202, "dba", false, key("db2"), ["db", "env_staging"], []],
      // group_vars/web.yml; eu's ssh args give the jump host; membership of eu through children.
      [
        "web1",
        "192.0.2.11",
        2222,
        "deploy",
        true,
        key("web1"),
        ["env_none", "eu", "tls", "web"],
        jump.map((j) => ({ ...j, user: "jump", identityFiles: key("web1") })),
      ],
      [
        "web2",
        "192.0.2.12",
        22,
        "deploy",
        true,
        key("web2"),
        ["env_none", "eu", "web"],
        jump.map((j) => ({ ...j, identityFiles: key("web2") })),
      ],
    ],
  );
});

test("group vars in the JSON apply under host vars; a host only in hostvars is left out, as Ansible does", () => {
  const hosts = hostsOf({
    all: { children: ["web", "edge"] },
    web: { hosts: ["w1", "w2"], vars: { ansible_user: "ops", ansible_port: 2200 } },
    edge: { children: ["web"] },
    _meta: { hostvars: { w1: { ansible_user: "root" }, ghost: { ansible_host: "192.0.2.9" } } },
  });
  assert.deepEqual(
    hosts.map((h) => [h.name, h.user, h.port, h.groups]),
    [
      ["w1", "root", 2200, ["edge", "web"]],
      ["w2", "ops", 2200, ["edge", "web"]],
    ],
  );
});

test("vaulted values, templates and what nfdebug cannot connect with are named with the host", () => {
  const source = listedSource(
    {
      all: { children: ["ungrouped"] },
      ungrouped: { hosts: ["a", "b", "c"] },
      _meta: {
        hostvars: {
          a: { ansible_user: { __ansible_vault: "$ANSIBLE_VAULT;1.1;AES256\n6231" } },
          b: { ansible_host: "{{ lookup('env', 'B') }}" },
          c: { ansible_connection: "local" },
        },
      },
    },
    "inv.py",
  );
  assert.deepEqual(inventoryProblems(source).map(formatProblem), [
    "inv.py:1:1: host a, ansible_user: vaulted values (!vault) are not supported by nfdebug; write this variable in clear text",
    "inv.py:1:1: host b, ansible_host: Jinja2 templates ({{ ... }}) are not supported by nfdebug; write the value itself",
    'inv.py:1:1: host c, ansible_connection: connection "local" is not supported (nfdebug connects over SSH only)',
  ]);
  assert.deepEqual(inventoryProblems(listedSource(["web1"], "inv.py")).map(formatProblem), [
    "inv.py:1:1: ansible-inventory --list printed JSON that is not a mapping of groups",
  ]);
  assert.deepEqual(inventoryProblems(listedSource({ web: { hosts: "w1" } }, "inv.py")).map(formatProblem), [
    "inv.py:1:1: ansible-inventory --list: group web's hosts is not a list of names",
  ]);
});

test("scripts, plugin files and directories go to ansible-inventory; without it, the error says what to install", async () => {
  const dir = mkdtempSync(join(tmpdir(), "nfdebug-dynamic-"));
  const env = { PATH: join(dir, "no-bin") };
  try {
    const script = join(dir, "ec2.py");
    writeFileSync(script, "#!/usr/bin/env python3\nprint('{}')\n");
    chmodSync(script, 0o755);
    const plugin = join(dir, "aws_ec2.yml");
    writeFileSync(plugin, "# aws\nplugin: amazon.aws.aws_ec2\n");
    const folder = join(dir, "inventory");
    mkdirSync(folder);
    copyFileSync(`${FIXTURES}/layered/01-static`, join(folder, "hosts"));
    for (const file of [script, plugin, folder]) {
      const problems = inventoryProblems(await readInventorySource(file, { env }));
      assert.equal(problems.length, 1);
      assert.match(
        formatProblem(problems[0]),
        new RegExp(
          `^${file}:1:1: this is a dynamic inventory .*ansible-inventory is not installed: install the ansible-core package .* or pip install ansible-core$`,
        ),
      );
    }
    await assert.rejects(loadInventory(script, {}, { env }), InputError);
    // Text alone cannot be run.
    assert.deepEqual(inventorySource("plugin: aws_ec2\n", "aws_ec2.yml").problems.map(formatProblem), [
      "aws_ec2.yml:1:1: an inventory plugin file is read by running ansible-inventory on the file",
    ]);
    // An executable file that is not a program (a static inventory with a stray x bit) is read as it is.
    const hosts = join(dir, "hosts");
    writeFileSync(hosts, "[web]\nweb1\n");
    chmodSync(hosts, 0o755);
    assert.deepEqual(
      (await loadInventory(hosts, {}, { env })).hosts.map((h) => h.name),
      ["web1"],
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
