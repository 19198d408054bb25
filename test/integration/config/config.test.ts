// Issue 19: a fleet command whose inventory comes only from ./nfdebug.yaml (a path relative to the
// file), its known_hosts only from NFDEBUG_KNOWN_HOSTS and its connect timeout from the user's
// config.yaml, against a real namespace host; `nfdebug config` says where each came from.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { Ajv2020 } from "ajv/dist/2020.js";
import { startFleet, type Fleet } from "../../fleet/netns.js";
import { runCli } from "../../support/cli.js";
import { stopFleet } from "../cli/fleetProbe.js";

const REPO = fileURLToPath(new URL("../../../../", import.meta.url));
const validateConfig = new Ajv2020({ strict: true, allowUnionTypes: true }).compile(
  JSON.parse(readFileSync(join(REPO, "schemas", "config-result.schema.json"), "utf8")),
);

let fleet: Fleet;
let dir: string;
let project: string;
let xdg: string;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), "nfd-config-"));
  project = join(dir, "project");
  xdg = join(dir, "xdg");
  mkdirSync(project);
  mkdirSync(join(xdg, "nfdebug"), { recursive: true });
  fleet = await startFleet({ count: 1 });
  writeFileSync(
    join(project, "nfdebug.yaml"),
    `inventory: ${relative(project, fleet.inventoryFile)}\ntimeout: 60s\n`,
  );
  writeFileSync(join(xdg, "nfdebug", "config.yaml"), "connect-timeout: 30s\ntimeout: 5s\n");
});

after(() => stopFleet(fleet, dir));

const env = () => ({ XDG_CONFIG_HOME: xdg, NFDEBUG_KNOWN_HOSTS: fleet.knownHostsFile });

test("facts with its inventory from nfdebug.yaml and known_hosts from NFDEBUG_KNOWN_HOSTS", async () => {
  const r = await runCli(["facts"], { cwd: project, env: env() });
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(
    r.json?.hosts.map((h) => [h.host, h.ok]),
    fleet.hosts.map((h) => [h.name, true]),
  );
});

/** `nfdebug config --json` ARGS: it must succeed and print what schemas/config-result.schema.json allows. */
async function configJson(args: string[], options: { cwd: string; env: Record<string, string> }) {
  const r = await runCli(["config", ...args], options);
  assert.equal(r.code, 0, r.stderr);
  const json = JSON.parse(r.stdout) as { settings: Record<string, { value: unknown; source: string }> };
  assert.ok(validateConfig(json), JSON.stringify(validateConfig.errors, null, 2));
  return json;
}

test("nfdebug config --json: each setting's value and source", async () => {
  const { settings } = await configJson(["--forks", "3"], { cwd: project, env: env() });
  assert.deepEqual(settings.inventory, {
    value: fleet.inventoryFile,
    source: `${join(project, "nfdebug.yaml")}:1`,
  });
  assert.deepEqual(settings["known-hosts"], {
    value: fleet.knownHostsFile,
    source: "env NFDEBUG_KNOWN_HOSTS",
  });
  assert.deepEqual(settings.timeout, { value: "60s", source: `${join(project, "nfdebug.yaml")}:2` });
  assert.deepEqual(settings["connect-timeout"], {
    value: "30s",
    source: `${join(xdg, "nfdebug", "config.yaml")}:1`,
  });
  assert.deepEqual(settings.forks, { value: "3", source: "flag" });
  assert.deepEqual(settings["host-key-policy"], { value: "strict", source: "default" });
});

test("a bad value in the environment is an input error naming the variable; nothing runs", async () => {
  const r = await runCli(["facts"], { cwd: project, env: { ...env(), NFDEBUG_FORKS: "lots" } });
  assert.equal(r.code, 1);
  assert.match(r.stderr, /NFDEBUG_FORKS: "lots" is not a positive whole number/);
});

test("nfdebug config --json matches its schema with every kind of value and source", async () => {
  // Key files from a list in the project file, a switch and a size from the environment, a choice
  // from a flag; the rest default or unset.
  const elsewhere = join(dir, "elsewhere");
  mkdirSync(elsewhere);
  writeFileSync(join(elsewhere, "nfdebug.yaml"), "identity: [a.key, b.key]\nforks: 8\nuser: ops\n");
  const { settings } = await configJson(["--host-key-policy", "accept-new"], {
    cwd: elsewhere,
    env: { XDG_CONFIG_HOME: join(dir, "no-xdg"), NFDEBUG_BECOME: "0", NFDEBUG_MAX_OUTPUT: "1M" },
  });
  assert.deepEqual(settings.identity, {
    value: [join(elsewhere, "a.key"), join(elsewhere, "b.key")],
    source: `${join(elsewhere, "nfdebug.yaml")}:1`,
  });
  assert.deepEqual(settings.become, { value: false, source: "env NFDEBUG_BECOME" });
  assert.deepEqual(settings["max-output"], { value: "1M", source: "env NFDEBUG_MAX_OUTPUT" });
  assert.deepEqual(settings["host-key-policy"], { value: "accept-new", source: "flag" });
  assert.deepEqual(settings["known-hosts"], { value: null, source: "not set" });
  // What the schema refuses: a setting it does not know, a value of the wrong type.
  assert.equal(validateConfig({ settings: { ...settings, color: { value: "x", source: "flag" } } }), false);
  assert.equal(validateConfig({ settings: { ...settings, become: { value: "no", source: "flag" } } }), false);
});
