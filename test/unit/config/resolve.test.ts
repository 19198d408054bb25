// Issue 19: fleet settings from flags, NFDEBUG_* variables, ./nfdebug.yaml and the user's
// config.yaml, in that order, each checked like a flag and named when wrong.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { join } from "node:path";
import { readConfigFile, userConfigFile } from "../../../src/config/files.js";
import {
  describeSource,
  readConfigFiles,
  resolveSettings,
  type SettingInputs,
} from "../../../src/config/resolve.js";
import { InputError } from "../../../src/errors.js";

function withDir(fn: (dir: string) => Promise<void>): () => Promise<void> {
  return async () => {
    const dir = mkdtempSync(join(tmpdir(), "nfd-config-"));
    try {
      await fn(dir);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
}

const none: SettingInputs = {
  flags: new Map(),
  defaults: new Map(),
  env: {},
  project: new Map(),
  user: new Map(),
};

const pick = (inputs: SettingInputs, option: string) =>
  resolveSettings(inputs).find((s) => s.option === option)!;

test("flag > env > project file > user file > default", () => {
  const file = (name: string, value: string) => new Map([["forks", { value, file: name, line: 2 }]]);
  const all: SettingInputs = {
    flags: new Map([["forks", "1"]]),
    defaults: new Map([["forks", "200"]]),
    env: { NFDEBUG_FORKS: "2" },
    project: file("nfdebug.yaml", "3"),
    user: file("config.yaml", "4"),
  };
  assert.deepEqual(pick(all, "forks"), {
    option: "forks",
    key: "forks",
    value: "1",
    source: { kind: "flag" },
  });
  const noFlag = { ...all, flags: new Map() };
  assert.deepEqual(pick(noFlag, "forks").source, { kind: "env", name: "NFDEBUG_FORKS" });
  const noEnv = { ...noFlag, env: {} };
  assert.deepEqual(pick(noEnv, "forks").source, { kind: "file", file: "nfdebug.yaml", line: 2 });
  const noProject = { ...noEnv, project: new Map() };
  assert.equal(pick(noProject, "forks").value, "4");
  const onlyDefault = { ...noProject, user: new Map() };
  assert.deepEqual(pick(onlyDefault, "forks"), {
    option: "forks",
    key: "forks",
    value: "200",
    source: { kind: "default" },
  });
  assert.deepEqual(pick(none, "inventory").source, { kind: "unset" });
});

test("environment variable names: upper case, dashes become underscores; values are checked like flags", () => {
  const env = { NFDEBUG_KNOWN_HOSTS: "/k", NFDEBUG_BECOME: "true", NFDEBUG_IDENTITY: "/a:/b" };
  const inputs = { ...none, env };
  assert.equal(pick(inputs, "known-hosts").value, "/k");
  assert.equal(pick(inputs, "become").value, true);
  assert.deepEqual(pick(inputs, "identity").value, ["/a", "/b"]);
  const bad = (name: string, value: string, message: RegExp) =>
    assert.throws(
      () => resolveSettings({ ...none, env: { [name]: value } }),
      (e: unknown) => {
        assert.ok(e instanceof InputError);
        assert.match(e.message, message);
        return true;
      },
    );
  bad("NFDEBUG_FORKS", "many", /^NFDEBUG_FORKS: "many" is not a positive whole number$/);
  bad("NFDEBUG_CONNECT_TIMEOUT", "soon", /^NFDEBUG_CONNECT_TIMEOUT: "soon" is not a duration/);
  bad("NFDEBUG_MAX_OUTPUT", "lots", /^NFDEBUG_MAX_OUTPUT: "lots" is not a size/);
  bad(
    "NFDEBUG_HOST_KEY_POLICY",
    "trust",
    /^NFDEBUG_HOST_KEY_POLICY: "trust" is not one of strict, accept-new, off$/,
  );
  bad("NFDEBUG_BECOME", "maybe", /^NFDEBUG_BECOME: "maybe" is not a switch/);
});

test("ANSIBLE_INVENTORY is the inventory only when no flag, NFDEBUG_INVENTORY or config file sets one", () => {
  const ansible = { ...none, env: { ANSIBLE_INVENTORY: " /etc/ansible/inventory/ , " } };
  assert.deepEqual(pick(ansible, "inventory"), {
    option: "inventory",
    key: "inventory",
    value: "/etc/ansible/inventory/",
    source: { kind: "env", name: "ANSIBLE_INVENTORY" },
  });
  assert.equal(describeSource(pick(ansible, "inventory").source), "env ANSIBLE_INVENTORY");
  const user = new Map([["inventory", { value: "/u/hosts", file: "config.yaml", line: 1 }]]);
  assert.equal(pick({ ...ansible, user }, "inventory").value, "/u/hosts");
  assert.equal(pick({ ...ansible, project: user }, "inventory").value, "/u/hosts");
  const both = { ...ansible, env: { ...ansible.env, NFDEBUG_INVENTORY: "/n/hosts" } };
  assert.deepEqual(pick(both, "inventory").source, { kind: "env", name: "NFDEBUG_INVENTORY" });
  assert.equal(pick({ ...ansible, flags: new Map([["inventory", "/f"]]) }, "inventory").value, "/f");
  assert.equal(
    pick({ ...none, env: { ANSIBLE_INVENTORY: "~/inv" } }, "inventory").value,
    join(homedir(), "inv"),
  );
  assert.deepEqual(pick({ ...none, env: { ANSIBLE_INVENTORY: "" } }, "inventory").source, { kind: "unset" });
  // Only the inventory falls back to an Ansible variable.
  assert.deepEqual(pick(ansible, "limit").source, { kind: "unset" });
});

test("ANSIBLE_INVENTORY with several sources is refused, unless something nfdebug reads wins", () => {
  const several = { ...none, env: { ANSIBLE_INVENTORY: "hosts,aws_ec2.yml" } };
  assert.throws(
    () => resolveSettings(several),
    new InputError(
      "ANSIBLE_INVENTORY names 2 inventory sources (hosts, aws_ec2.yml); nfdebug reads one: pass -i with one of them, or a directory holding them all",
    ),
  );
  assert.equal(pick({ ...several, flags: new Map([["inventory", "/f"]]) }, "inventory").value, "/f");
});

test(
  "a config file: relative paths against its directory, located problems for bad YAML, schema and values",
  withDir(async (dir) => {
    const file = join(dir, "nfdebug.yaml");
    writeFileSync(file, "inventory: inv/hosts.yaml\nidentity: [keys/a, /abs/b]\nforks: 20\nbecome: true\n");
    const values = await readConfigFile(file);
    assert.deepEqual(values.get("inventory"), { value: join(dir, "inv/hosts.yaml"), file, line: 1 });
    assert.deepEqual(values.get("identity")?.value, [join(dir, "keys/a"), "/abs/b"]);
    assert.equal(values.get("forks")?.value, "20");
    assert.equal(values.get("become")?.value, true);

    const problem = async (text: string, expected: string) => {
      writeFileSync(file, text);
      await assert.rejects(readConfigFile(file), (e: unknown) => {
        assert.ok(e instanceof InputError);
        assert.equal(e.message, expected);
        return true;
      });
    };
    await problem(
      "forks: [1\n",
      `${file}:2:1: YAML syntax: Flow sequence in block collection must be sufficiently indented and end with a ]`,
    );
    await problem("forks: 2\nforks: 3\n", `${file}:2:1: duplicate key "forks"`);
    await problem("become: yes please\n", `${file}:1:9: become: must be true or false`);
    await problem(
      "timeout: 30s\njson: true\n",
      `${file}:2:1: unknown key "json" (expected one of: inventory, limit, forks, timeout, connect-timeout, max-output, identity, known-hosts, user, ssh-config, host-key-policy, transport, become, textfile-dir)`,
    );
    await problem(
      "timeout: soon\n",
      `${file}:1:10: timeout: "soon" is not a duration (examples: 90s, 15m, 1h30m)`,
    );
    await problem("forks: 0\n", `${file}:1:8: forks: "0" is not a positive whole number`);
    // A directory on the hosts: absolute, never taken relative to the file.
    await problem(
      "textfile-dir: prom/textfiles\n",
      `${file}:1:15: textfile-dir: must be an absolute directory on the hosts (node_exporter's textfile directory) or none`,
    );
    await problem(
      "textfile-dir: /var/lib/../etc\n",
      `${file}:1:15: textfile-dir: "/var/lib/../etc" is not an absolute directory path of plain characters (or none)`,
    );
    writeFileSync(file, "textfile-dir: /var/lib/node_exporter/textfile_collector\n");
    assert.equal(
      (await readConfigFile(file)).get("textfile-dir")?.value,
      "/var/lib/node_exporter/textfile_collector",
    );

    writeFileSync(file, "# nothing yet\n");
    assert.equal((await readConfigFile(file)).size, 0);
    assert.equal((await readConfigFile(join(dir, "absent.yaml"))).size, 0);
  }),
);

test(
  "the user file lives under XDG_CONFIG_HOME (else ~/.config); the project file in the current directory",
  withDir(async (dir) => {
    assert.equal(userConfigFile({ XDG_CONFIG_HOME: "/x" }), "/x/nfdebug/config.yaml");
    assert.equal(userConfigFile({ HOME: "/home/me" }), "/home/me/.config/nfdebug/config.yaml");
    mkdirSync(join(dir, "xdg", "nfdebug"), { recursive: true });
    writeFileSync(join(dir, "xdg", "nfdebug", "config.yaml"), "forks: 5\nuser: ops\n");
    writeFileSync(join(dir, "nfdebug.yaml"), "forks: 9\n");
    const files = await readConfigFiles({ XDG_CONFIG_HOME: join(dir, "xdg") }, dir);
    const settings = resolveSettings({ ...none, ...files });
    assert.equal(settings.find((s) => s.option === "forks")?.value, "9");
    assert.equal(settings.find((s) => s.option === "user")?.value, "ops");
  }),
);
