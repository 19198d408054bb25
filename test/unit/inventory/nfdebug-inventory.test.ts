// The nfdebug inventory format: schema rules, duplicate names, defaults, CLI overrides, paths.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { homedir, tmpdir, userInfo } from "node:os";
import { join, resolve } from "node:path";
import { formatProblem, InputError } from "../../../src/errors.js";
import { inventoryProblems, loadInventory } from "../../../src/inventory/load.js";
import { parseJump } from "../../../src/inventory/normalise.js";
import { inventorySource } from "../../../src/inventory/source.js";
import { useRepoRoot } from "../files/repo-root.js";

useRepoRoot();

function problems(text: string): string[] {
  return inventoryProblems(inventorySource(text, "inv.yaml")).map(formatProblem);
}

const HOST = "hosts:\n  - name: web1\n";
const BAD: Array<[string, string, string[]]> = [
  ["hosts is required", "defaults:\n  user: root\n", ['inv.yaml:1:1: missing required key "hosts"']],
  ["hosts is a list", "hosts:\n  web1: {}\n", ["inv.yaml:2:3: hosts: must be a list, not a mapping"]],
  [
    "a host needs a name",
    "hosts:\n  - address: 192.0.2.1\n",
    ['inv.yaml:2:5: hosts[0]: missing required key "name"'],
  ],
  [
    "unknown top-level key",
    `${HOST}vars: {}\n`,
    ['inv.yaml:3:1: unknown key "vars" (expected one of: apiVersion, kind, defaults, hosts)'],
  ],
  [
    "unknown defaults key",
    `defaults:\n  password: x\n${HOST}`,
    [
      'inv.yaml:2:3: defaults: unknown key "password" (expected one of: user, port, identity, become, jump, proxy_command, transport, textfile_dir)',
    ],
  ],
  ["kind is Inventory", `kind: Hosts\n${HOST}`, ['inv.yaml:1:7: kind: "Hosts" must be "Inventory"']],
  [
    "port is an integer",
    `${HOST}    port: "22"\n`,
    ['inv.yaml:3:11: hosts[0].port: "22" must be an integer'],
  ],
  [
    "user not starting with a dash",
    `${HOST}    user: -oProxyCommand=x\n`,
    [
      'inv.yaml:3:11: hosts[0].user: "-oProxyCommand=x" is not a valid user name: use letters, digits, "_", "." and "-" (not first), at most 32 characters',
    ],
  ],
  [
    "identity list not empty",
    `${HOST}    identity: []\n`,
    ["inv.yaml:3:15: hosts[0].identity: must list at least 1 item"],
  ],
  [
    "identity items are paths",
    `${HOST}    identity: [~/.ssh/a, 3]\n`,
    ["inv.yaml:3:26: hosts[0].identity[1]: 3 must be a string"],
  ],
  [
    "identity not empty",
    `${HOST}    identity: ""\n`,
    ["inv.yaml:3:15: hosts[0].identity: must not be empty"],
  ],
  [
    "groups are unique",
    `${HOST}    groups: [web, db, web]\n`,
    ['inv.yaml:3:23: hosts[0].groups[2]: "web" is listed twice (first at line 3)'],
  ],
  [
    "group names without dots",
    `${HOST}    groups: [web.eu]\n`,
    [
      'inv.yaml:3:14: hosts[0].groups[0]: "web.eu" is not a valid group name: use letters, digits, "_" and "-" (not first), at most 63 characters',
    ],
  ],
  [
    "become is a boolean",
    `defaults:\n  become: 1\n${HOST}`,
    ["inv.yaml:2:11: defaults.become: 1 must be true or false"],
  ],
  [
    "jump syntax",
    `${HOST}    jump: "a@b c"\n`,
    [
      'inv.yaml:3:11: hosts[0].jump: "a@b c" is not a jump host list: use [user@]host[:port], comma-separated',
    ],
  ],
  [
    "address is a string",
    `${HOST}    address: 3232235521\n`,
    ["inv.yaml:3:14: hosts[0].address: 3232235521 is not a host name, IPv4 or IPv6 address"],
  ],
  [
    "address label not starting with a dash",
    `${HOST}    address: -oProxyCommand\n`,
    ['inv.yaml:3:14: hosts[0].address: "-oProxyCommand" is not a host name, IPv4 or IPv6 address'],
  ],
  [
    "duplicates name every later copy",
    "hosts:\n  - name: a\n  - name: a\n  - name: a\n",
    [
      'inv.yaml:3:11: hosts[1].name: duplicate host name "a" (first defined at line 2)',
      'inv.yaml:4:11: hosts[2].name: duplicate host name "a" (first defined at line 2)',
    ],
  ],
];
for (const [name, text, expected] of BAD) {
  test(`inventory rule: ${name}`, () => assert.deepEqual(problems(text), expected));
}

test("inventory accepts IPv4, IPv6 (with zone), DNS names and trailing dots", () => {
  for (const address of [
    "192.0.2.1",
    "2001:db8::1",
    "fe80::1%eth0",
    "::1",
    "db.example.com.",
    "localhost",
    "x_y.internal",
  ]) {
    assert.deepEqual(problems(`${HOST}    address: "${address}"\n`), [], address);
  }
});

test("the full nfdebug inventory: defaults, per-host values, ~ and relative keys, jump hosts", async () => {
  const inventory = await loadInventory("test/fixtures/good/inventory-full.yaml");
  const keys = [resolve(homedir(), ".ssh/id_ed25519"), resolve("test/fixtures/good/keys/fleet")];
  const bastion = { address: "bastion.example.com", port: 22, user: "deploy", identityFiles: keys };
  assert.deepEqual(inventory.hosts, [
    {
      name: "web1",
      address: "192.0.2.10",
      port: 2200,
      user: "deploy",
      identityFiles: keys,
      groups: ["web", "eu"],
      become: true,
      jump: [bastion],
      explicit: ["address", "port", "user", "identityFiles", "jump"],
    },
    {
      name: "web2",
      address: "2001:db8::10",
      port: 22,
      user: "root",
      identityFiles: ["/etc/nfdebug/key"],
      groups: ["web"],
      become: false,
      jump: [
        { address: "192.0.2.1", port: 2222, user: "ops", identityFiles: ["/etc/nfdebug/key"] },
        { address: "2001:db8::1", port: 22, user: "root", identityFiles: ["/etc/nfdebug/key"] },
      ],
      explicit: ["address", "port", "user", "identityFiles", "jump"],
    },
    {
      name: "db_1",
      address: "db1.internal.",
      port: 2200,
      user: "deploy",
      identityFiles: keys,
      groups: [],
      become: true,
      jump: [{ ...bastion }],
      explicit: ["address", "port", "user", "identityFiles", "jump"],
    },
  ]);
});

test("without values, a host connects to its name as the local user (as ssh does) on port 22, and says those were defaults", async () => {
  const inventory = await loadInventory("test/fixtures/good/inventory-minimal.yaml");
  assert.deepEqual(inventory.hosts, [
    {
      name: "web1.example.com",
      address: "web1.example.com",
      port: 22,
      user: userInfo().username,
      identityFiles: [],
      groups: [],
      become: false,
      jump: [],
      explicit: [],
    },
  ]);
});

test("CLI options override the inventory for every host; --identity is relative to the current directory", async () => {
  const inventory = await loadInventory("test/fixtures/good/inventory-full.yaml", {
    user: "operator",
    port: 2022,
    identity: "my/key",
    become: false,
  });
  for (const host of inventory.hosts) {
    assert.equal(host.user, "operator");
    assert.equal(host.port, 2022);
    assert.deepEqual(host.identityFiles, [resolve("my/key")]);
    assert.equal(host.become, false);
  }
  // A jump hop without its own user takes the (overridden) target user.
  assert.equal(inventory.hosts[0].jump[0].user, "operator");
  // A hop's own user (ops@...) is kept.
  assert.equal(inventory.hosts[1].jump[0].user, "ops");
});

test("invalid CLI options are an InputError before the file is read", async () => {
  await assert.rejects(
    loadInventory("does-not-matter.yaml", { user: "a b", port: 0, identity: "x\ny" }),
    (err: unknown) => {
      assert.ok(err instanceof InputError);
      assert.equal(
        err.message,
        '--user "a b" is not a valid user name\n--port 0 must be an integer from 1 to 65535\n--identity "x\\ny" is not a usable path',
      );
      return true;
    },
  );
});

test("loadInventory throws every located problem at once", async () => {
  await assert.rejects(loadInventory("test/fixtures/bad/inventory-port-range.yaml"), (err: unknown) => {
    assert.ok(err instanceof InputError);
    assert.deepEqual(err.problems.map(formatProblem), [
      "test/fixtures/bad/inventory-port-range.yaml:2:9: defaults.port: 70000 must be at most 65535",
      "test/fixtures/bad/inventory-port-range.yaml:6:11: hosts[0].port: 0 must be at least 1",
    ]);
    return true;
  });
});

test("proxy_command: the host's own replaces the defaults' jump; both on one entry is refused where written", async () => {
  const dir = mkdtempSync(join(tmpdir(), "nfd-inv-proxy-"));
  try {
    const file = join(dir, "inv.yaml");
    writeFileSync(
      file,
      "defaults:\n  jump: bastion\nhosts:\n  - name: web1\n    proxy_command: gw-connect %h %p\n  - name: web2\n",
    );
    const [web1, web2] = (await loadInventory(file)).hosts;
    assert.deepEqual(web1!.proxyCommand, {
      command: "gw-connect %h %p",
      where: `${file}:5`,
      source: "inventory",
    });
    assert.deepEqual(web1!.jump, []);
    assert.ok(web1!.explicit?.includes("jump"), "ssh_config's ProxyJump/ProxyCommand do not apply");
    assert.equal(web2!.proxyCommand, undefined);
    assert.equal(web2!.jump[0]?.address, "bastion");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  assert.deepEqual(problems(`${HOST}    jump: b\n    proxy_command: x %h\n`), [
    "inv.yaml:4:20: hosts[0].proxy_command: set jump or proxy_command, not both",
  ]);
  assert.deepEqual(problems(`${HOST}    proxy_command: "a\\nb"\n`), [
    'inv.yaml:3:20: hosts[0].proxy_command: "a\\nb" is not a ProxyCommand: one line of text',
  ]);
});

test("parseJump reads ProxyJump syntax, outermost hop first", () => {
  const target = { user: "root", identityFiles: ["/k"] };
  assert.deepEqual(parseJump("a@b:2,[2001:db8::1]:3,c", target), [
    { address: "b", port: 2, user: "a", identityFiles: ["/k"] },
    { address: "2001:db8::1", port: 3, user: "root", identityFiles: ["/k"] },
    { address: "c", port: 22, user: "root", identityFiles: ["/k"] },
  ]);
});
