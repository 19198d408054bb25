// Precedence: CLI > inventory > ssh_config > defaults; jump hosts resolved through ssh_config.
import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { userInfo } from "node:os";
import {
  applySshConfigToHost,
  loadSshConfig,
  mergeSshConfig,
  parseSshConfig,
} from "../../../../src/inventory/sshConfig.js";
import { InputError } from "../../../../src/errors.js";
import { FIXTURES } from "../../transport/fixtures.js";

const home = join(FIXTURES, "ssh_home");
const sshConfig = loadSshConfig(join(home, ".ssh", "config"), { home });

test("ssh_config fills what the inventory leaves out", () => {
  const merged = mergeSshConfig({ name: "web1", inventory: {}, sshConfig, defaultUser: "nobody" });
  assert.deepEqual(merged, {
    address: "192.0.2.11",
    port: 2201,
    user: "deploy",
    identityFiles: [
      join(home, ".ssh/id_web"),
      join(home, ".ssh/id_from_match_host"),
      join(home, ".ssh/id_default"),
    ],
    identitiesOnly: true,
    jump: [],
  });
});

test("explicit inventory values win over ssh_config, CLI flags win over both", () => {
  const merged = mergeSshConfig({
    name: "web1",
    inventory: { user: "inv-user", port: 2300, identityFiles: ["/inv/key"] },
    cli: { user: "cli-user" },
    sshConfig,
  });
  assert.equal(merged.user, "cli-user");
  assert.equal(merged.port, 2300);
  assert.deepEqual(merged.identityFiles, ["/inv/key"]);
  assert.equal(merged.address, "192.0.2.11");
});

test("the inventory address is what ssh_config is matched against (like Ansible's ansible_host)", () => {
  const merged = mergeSshConfig({ name: "x", inventory: { address: "db1" }, sshConfig, defaultUser: "u" });
  // ssh would be run as `ssh db1`: the db1 block's HostName, User and the Match port apply
  assert.equal(merged.address, "db1.db.example.com");
  assert.equal(merged.user, "dba");
  assert.equal(merged.port, 5022);
});

test("defaults without ssh_config: port 22 and the default user", () => {
  const merged = mergeSshConfig({ name: "h", inventory: {}, defaultUser: "me" });
  assert.deepEqual(merged, {
    address: "h",
    port: 22,
    user: "me",
    identityFiles: [],
    identitiesOnly: false,
    jump: [],
  });
});

test("ProxyJump hops are resolved through ssh_config, and a hop's own ProxyJump comes first", () => {
  const merged = mergeSshConfig({ name: "chain", inventory: {}, sshConfig, defaultUser: "me" });
  assert.deepEqual(
    merged.jump.map((j) => `${j.user}@${j.address}:${j.port}`),
    ["me@jump0:2299", "me@192.0.2.41:2299", "jumper@jh.example.com:2022"],
  );
  const corp = mergeSshConfig({ name: "app.corp.example.com", inventory: {}, sshConfig, defaultUser: "me" });
  assert.deepEqual(corp.jump, [
    {
      address: "192.0.2.1",
      port: 2222,
      user: "admin",
      identityFiles: [
        `${home}/.ssh/id_bastion_${userInfo().username}_192.0.2.1`,
        join(home, ".ssh/id_default"),
      ],
      identitiesOnly: false,
    },
  ]);
});

test("inventory jump hosts override ssh_config ProxyJump, and none is possible from the CLI", () => {
  const inv = mergeSshConfig({
    name: "chain",
    inventory: { jump: [{ host: "b", port: 2, user: "u", identityFiles: ["/k"] }] },
  });
  assert.deepEqual(inv.jump, [
    { address: "b", port: 2, user: "u", identityFiles: ["/k"], identitiesOnly: false },
  ]);
  assert.deepEqual(mergeSshConfig({ name: "chain", inventory: {}, cli: { jump: [] }, sshConfig }).jump, []);
});

test("a ProxyJump loop is an input error, not a hang", () => {
  const loop = parseSshConfig("Host a\n  ProxyJump b\nHost b\n  ProxyJump a\n", "loop");
  assert.throws(() => mergeSshConfig({ name: "a", inventory: {}, sshConfig: loop }), InputError);
});

test("applySshConfigToHost: only fields the inventory/CLI did not set come from ssh_config", () => {
  const base = {
    name: "web1",
    address: "web1",
    port: 22,
    user: "root",
    identityFiles: [],
    groups: ["g"],
    become: true,
    jump: [],
  };
  const fromConfig = applySshConfigToHost({ ...base, explicit: [] }, sshConfig);
  assert.equal(fromConfig.address, "192.0.2.11");
  assert.equal(fromConfig.port, 2201);
  assert.equal(fromConfig.user, "deploy");
  assert.equal(fromConfig.identitiesOnly, true);
  assert.deepEqual(fromConfig.groups, ["g"]);
  assert.equal(fromConfig.become, true);
  const userSet = applySshConfigToHost({ ...base, explicit: ["user", "port"] }, sshConfig);
  assert.equal(userSet.user, "root");
  assert.equal(userSet.port, 22);
  assert.equal(userSet.address, "192.0.2.11");
  // no `explicit`: everything counts as set
  assert.equal(applySshConfigToHost(base, sshConfig).user, "root");
});

test("applySshConfigToHost: ssh_config hops without keys get the host's keys; explicit jumps are kept", () => {
  const base = {
    name: "app.corp.example.com",
    address: "app.corp.example.com",
    port: 22,
    user: "root",
    groups: [],
    become: false,
  };
  const viaConfig = applySshConfigToHost(
    { ...base, identityFiles: ["/k"], jump: [], explicit: ["identityFiles"] },
    sshConfig,
  );
  assert.deepEqual(
    viaConfig.jump.map((j) => j.address),
    ["192.0.2.1"],
  );
  assert.ok(viaConfig.jump[0]!.identityFiles.length === 2, "the bastion block names its own keys");
  const chain = applySshConfigToHost(
    {
      ...base,
      name: "chain",
      address: "chain",
      identityFiles: ["/k"],
      jump: [],
      explicit: ["identityFiles"],
    },
    sshConfig,
  );
  assert.ok(chain.jump.length === 3);
  const kept = applySshConfigToHost(
    {
      ...base,
      identityFiles: [],
      jump: [{ address: "b", port: 1, user: "u", identityFiles: [] }],
      explicit: ["jump"],
    },
    sshConfig,
  );
  assert.deepEqual(kept.jump, [{ address: "b", port: 1, user: "u", identityFiles: [] }]);
});
