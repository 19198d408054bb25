// The npm package as a user installs it: `npm pack` of this checkout's build, `npm i -g` into an
// empty prefix with the network off (--offline: the dependencies travel inside the package, as
// bundleDependencies, so a bastion without registry access can install it; --ignore-scripts: ssh2's
// optional native build may fetch Node headers, and ssh2 works without it), then the installed
// binary, run from outside the checkout: its version, validate on the playbooks it ships, a real
// apply and revert of a shipped profile on a namespace host, read back with sysctl, and the demo.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  realpathSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { startFleet, type Fleet } from "../../fleet/netns.js";
import { runCli } from "../../support/cli.js";
import { fleetArgs, knobValues, stopFleet, type KnobValues } from "../cli/fleetProbe.js";

/** dist/test/integration/package → the checkout. */
const ROOT = fileURLToPath(new URL("../../../../", import.meta.url));
const VERSION = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")).version as string;

let dir: string;
let bin: string;
let installed: string;
let fleet: Fleet | undefined;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), "nfd-package-"));
  // --ignore-scripts: the checkout is built already (npm run build); prepack would build it again.
  execFileSync("npm", ["pack", "--ignore-scripts", "--pack-destination", dir], { cwd: ROOT, stdio: "pipe" });
  const tarball = readdirSync(dir).find((f) => f.endsWith(".tgz"));
  assert.ok(tarball, "npm pack wrote a tarball");
  const prefix = join(dir, "prefix");
  execFileSync(
    "npm",
    [
      "install",
      "--global",
      "--prefix",
      prefix,
      "--offline",
      "--ignore-scripts",
      "--no-audit",
      "--no-fund",
      join(dir, tarball),
    ],
    { cwd: dir, stdio: "pipe" },
  );
  bin = join(prefix, "bin", "nfdebug");
  installed = join(prefix, "lib", "node_modules", "nfdebug");
  fleet = await startFleet({ count: 1 });
});

after(async () => {
  await stopFleet(fleet, join(dir, "fleet"));
  rmSync(dir, { recursive: true, force: true });
});

/** The installed bin, run outside the checkout (its node_modules and dist are not reachable). */
const installedCli = (args: string[], json = true, options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}) =>
  runCli(args, { main: realpathSync(bin), json, cwd: options.cwd ?? dir, env: options.env });

test("the package holds its build, schemas, playbooks, licence and dependencies", () => {
  for (const path of ["LICENSE", "README.md", "dist/src/cli/main.js", "schemas", "playbooks/profiles"])
    assert.ok(existsSync(join(installed, path)), path);
  // npm links the manual where man finds it.
  assert.ok(existsSync(join(dir, "prefix", "share", "man", "man1", "nfdebug.1")), "nfdebug(1) installed");
  // The host scripts are shipped beside the code that composes them.
  assert.ok(existsSync(join(installed, "dist/src/engine/host/apply.sh")));
  assert.ok(existsSync(join(installed, "dist/src/kinds/sysctl/sysctl.sh")));
  for (const dep of ["ajv", "commander", "p-limit", "ssh2", "yaml"])
    assert.ok(existsSync(join(installed, "node_modules", dep)), `${dep} travels inside the package`);
  // Of the test tree only the demo fleet ships (nfdebug demo), and no test at all.
  assert.deepEqual(readdirSync(join(installed, "dist/test")), ["fleet"]);
  assert.deepEqual(readdirSync(join(installed, "dist/test/fleet")), ["netns"]);
  const files = readdirSync(join(installed, "dist"), { recursive: true, encoding: "utf8" });
  assert.deepEqual(
    files.filter((f) => f.endsWith(".test.js")),
    [],
  );
  assert.ok(!existsSync(join(installed, "src")), "no TypeScript sources in the package");
});

test("the installed nfdebug prints its version", async () => {
  const r = await installedCli(["--version"], false);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout.trim(), VERSION);
});

test("the installed nfdebug validates every playbook it ships", async () => {
  const files = ["profiles", "runbooks"].flatMap((sub) =>
    readdirSync(join(installed, "playbooks", sub)).map((f) => join(installed, "playbooks", sub, f)),
  );
  assert.ok(files.length >= 5, `found ${files.length} playbooks`);
  const r = await installedCli(["validate", ...files], false);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(
    r.stdout
      .trim()
      .split("\n")
      .filter((l) => / ok \((profile|runbook)\)$/.test(l)).length,
    files.length,
  );
});

test("the installed nfdebug parses the sample log it ships into a bundle", async () => {
  const out = join(dir, "parsed");
  const r = await installedCli(["parse", join(installed, "playbooks/samples/kern.log"), "--out", out], false);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^\d+ record\(s\) from 2 host\(s\)/);
  assert.match(r.stdout, /tcp\.invalid_flags/);
  assert.ok(existsSync(join(out, "report.html")), "report.html");
});

test("the installed nfdebug applies a shipped profile to a namespace host and reverts it exactly", async () => {
  const host = fleet!.hosts[0];
  const before: KnobValues = await knobValues(fleet!, host);
  const profile = join(installed, "playbooks", "profiles", "tcp-invalid.yaml");
  const apply = await installedCli(["apply", ...fleetArgs(fleet!), profile]);
  assert.equal(apply.code, 0, apply.stderr);
  assert.equal(apply.json?.summary.changed, 1);
  assert.equal((await knobValues(fleet!, host))["net.netfilter.nf_conntrack_log_invalid"], "6");
  const revert = await installedCli(["revert", ...fleetArgs(fleet!)]);
  assert.equal(revert.code, 0, revert.stderr);
  assert.deepEqual(await knobValues(fleet!, host), before, "every knob as it was");
});

test("the installed nfdebug demo starts its fleet, runs the triage runbook, writes the report and stops the fleet", async () => {
  const namespacesBefore = execFileSync("ip", ["netns", "list"], { encoding: "utf8" });
  const out = join(dir, "demo-bundle");
  const r = await installedCli(["demo", "--hosts", "2", "--out", out], false);
  assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
  assert.match(r.stdout, /Demo fleet stopped/);
  assert.ok(existsSync(join(out, "report.html")), "report.html");
  const records = readFileSync(join(out, "records.jsonl"), "utf8").trim().split("\n");
  assert.ok(records.length > 0 && records.every((l) => JSON.parse(l).reason_id), `${records.length} records`);
  assert.equal(
    execFileSync("ip", ["netns", "list"], { encoding: "utf8" }),
    namespacesBefore,
    "its namespaces are gone",
  );
});

test("the installed nfdebug: --help with examples and exit codes, -v on stderr only, and bash completion", async () => {
  const help = await installedCli(["apply", "--help"], false);
  assert.equal(help.code, 0, help.stderr);
  assert.match(help.stdout, /\nExamples:\n {2}\$ nfdebug apply playbooks\/profiles\/tcp-invalid\.yaml/);
  assert.match(help.stdout, /\nExit codes:\n[\s\S]*130 {2}interrupted/);

  const verbose = await installedCli(["facts", ...fleetArgs(fleet!), "-v"]);
  assert.equal(verbose.code, 0, verbose.stderr);
  assert.equal(verbose.json?.hosts.length, 1, "stdout is the facts JSON");
  assert.match(verbose.stderr, /nfdebug: \S+: script 1 exit 0 in \d+ ms/);

  const completion = await installedCli(["completion", "bash"], false);
  assert.equal(completion.code, 0, completion.stderr);
  const script = join(dir, "nfdebug.bash");
  writeFileSync(script, completion.stdout);
  const driver = `source ${JSON.stringify(script)}\nCOMP_WORDS=(nfdebug dem); COMP_CWORD=1; COMPREPLY=(); _nfdebug; printf '%s\\n' "\${COMPREPLY[*]}"`;
  const completed = execFileSync("bash", ["--norc", "--noprofile", "-c", driver], { encoding: "utf8" });
  assert.equal(completed.trim(), "demo");
});

test("the installed nfdebug reads ./nfdebug.yaml and NFDEBUG_* variables, and nfdebug config says where each came from", async () => {
  const project = join(dir, "project");
  mkdirSync(project);
  copyFileSync(fleet!.inventoryFile, join(project, "hosts.yaml"));
  writeFileSync(join(project, "nfdebug.yaml"), "inventory: hosts.yaml\nforks: 4\n");
  const env = { NFDEBUG_KNOWN_HOSTS: fleet!.knownHostsFile };
  const facts = await installedCli(["facts"], true, { cwd: project, env });
  assert.equal(facts.code, 0, facts.stderr);
  assert.deepEqual(
    facts.json?.hosts.map((h) => h.ok),
    [true],
  );
  const config = await installedCli(["config"], true, { cwd: project, env });
  assert.equal(config.code, 0, config.stderr);
  const settings = (
    JSON.parse(config.stdout) as { settings: Record<string, { value: unknown; source: string }> }
  ).settings;
  assert.equal(settings["known-hosts"].source, "env NFDEBUG_KNOWN_HOSTS");
  assert.equal(settings.forks.value, "4");
  assert.match(settings.forks.source, /nfdebug\.yaml:2$/);
});
