// Every fleet command's --json output, from the real CLI against namespace hosts over real SSH,
// validated against schemas/result.schema.json: facts, doctor, plan, apply, status, extend, collect,
// revert, and run (a whole runbook and a --dry-run). One fleet for the whole file.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Ajv2020 } from "ajv/dist/2020.js";
import { startFleet, type Fleet } from "../../fleet/netns.js";
import { runCli, type CliResult } from "../../support/cli.js";
import { fleetArgs, revertOpenWindows, stopFleet, writeProfile } from "./fleetProbe.js";

const REPO = fileURLToPath(new URL("../../../../", import.meta.url));
const schema = JSON.parse(readFileSync(join(REPO, "schemas", "result.schema.json"), "utf8"));
const validate = new Ajv2020({ strict: true, allowUnionTypes: true, validateFormats: false }).compile(schema);

let fleet: Fleet;
let dir: string;
let profile: string;
let runbook: string;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), "nfd-cli-json-"));
  fleet = await startFleet({ count: 2 });
  profile = writeProfile(dir, "json-schema", "log_invalid: tcp\nwindow: 10m\n");
  runbook = writeRunbook("json-schema", "2m", "[apply, collect, revert, report]");
});

/** A runbook of the profile above, in the suite's directory. */
function writeRunbook(name: string, window: string, steps: string): string {
  const file = join(dir, `${name}.runbook.yaml`);
  const question = "Does run --json match the result schema?";
  writeFileSync(
    file,
    `apiVersion: nfdebug/v1\nkind: Runbook\nname: ${name}\nquestion: ${question}\nprofile: json-schema.yaml\nwindow: ${window}\nsteps: ${steps}\n`,
  );
  return file;
}

after(async () => {
  await revertOpenWindows(fleet);
  await stopFleet(fleet, dir);
});

/** Runs a command with --json; it must succeed and print one object the schema accepts. */
async function jsonOf(command: string, ...args: string[]): Promise<Record<string, unknown>> {
  const result: CliResult = await runCli([command, ...args, ...fleetArgs(fleet)], { timeoutMs: 180_000 });
  assert.equal(result.code, 0, `${command}: exit ${result.code}: ${result.stderr}`);
  const json = result.json as unknown as Record<string, unknown> & { hosts: Record<string, unknown>[] };
  assert.ok(json, `${command}: stdout is JSON: ${result.stdout.slice(0, 300)}`);
  assert.ok(validate(json), `${command}: ${JSON.stringify(validate.errors, null, 2)}`);
  assert.equal(json.command, command);
  assert.deepEqual(json.hosts.map((h) => h.host).sort(), fleet.hosts.map((h) => h.name).sort());
  // Each host names the command whose details it carries: a dry run's hosts carry a plan.
  for (const h of json.hosts) assert.equal(h.command, json.dry_run ? "plan" : command, `${h.host}`);
  // The schema does not check formats (no ajv-formats): an expiry must still be a real time.
  for (const h of json.hosts)
    if (h.expires !== undefined)
      assert.ok(!Number.isNaN(Date.parse(String(h.expires))), `${command}: ${h.expires}`);
  return json;
}

test("facts, doctor and plan --json match the result schema", async () => {
  await jsonOf("facts");
  await jsonOf("doctor");
  const plan = await jsonOf("plan", profile);
  assert.ok(
    (plan.hosts as { changes: unknown[] }[]).every((h) => h.changes.length > 0),
    "the plan changes log_invalid",
  );
});

test("plan and apply warn, per host, of a log_invalid protocol that logs nothing on its kernel (DCCP on 6.18)", async () => {
  const dccp = writeProfile(dir, "json-schema-dccp", "log_invalid: dccp\n");
  const plan = await jsonOf("plan", dccp);
  for (const h of plan.hosts as { host: string; warnings?: string[] }[])
    assert.match(h.warnings?.[0] ?? "", /^log_invalid=33 \(DCCP\) logs nothing on kernel 6\.18/, h.host);
  const text = await runCli(["plan", dccp, ...fleetArgs(fleet)], { json: false, timeoutMs: 180_000 });
  assert.equal(text.code, 0, text.stderr);
  for (const h of fleet.hosts)
    assert.match(text.stderr, new RegExp(`^${h.name}: warning: log_invalid=33 \\(DCCP\\)`, "m"));

  const applied = await jsonOf("apply", dccp, "--for", "5m");
  for (const h of applied.hosts as { host: string; warnings?: string[] }[])
    assert.match(h.warnings?.[0] ?? "", /^log_invalid=33 \(DCCP\) logs nothing on kernel 6\.18/, h.host);
  await jsonOf("revert", "--window", applied.window as string);
  const textApply = await runCli(["apply", dccp, "--for", "5m", ...fleetArgs(fleet)], {
    json: false,
    timeoutMs: 180_000,
  });
  assert.equal(textApply.code, 0, textApply.stderr);
  for (const h of fleet.hosts)
    assert.match(textApply.stderr, new RegExp(`^${h.name}: warning: log_invalid=33 \\(DCCP\\)`, "m"));
  await jsonOf("revert");
});

test("apply, status, extend, collect and revert --json match the result schema", async () => {
  const applied = await jsonOf("apply", profile, "--for", "10m");
  const window = applied.window as string;
  assert.match(window, /^[0-9]{8}T[0-9]{6}-[0-9a-f]{4}$/);
  assert.deepEqual(applied.summary, { ok: 2, changed: 2, failed: 0 });
  await jsonOf("status");
  await jsonOf("extend", "--window", window, "--for", "20m");
  await jsonOf("collect", "--window", window);
  const reverted = await jsonOf("revert", "--window", window);
  assert.deepEqual(reverted.summary, { ok: 2, changed: 2, failed: 0 });
});

test("run --json (a whole runbook, and a dry run) matches the result schema", async () => {
  const dry = await jsonOf("run", runbook, "--dry-run");
  assert.equal(dry.dry_run, true);
  const run = await jsonOf("run", runbook, "--out", join(dir, "bundle"));
  assert.deepEqual(run.summary, { ok: 2, changed: 2, failed: 0 });
  for (const h of run.hosts as Record<string, unknown>[]) {
    assert.equal(h.changed, true, `${h.host}: changed during the window`);
    assert.equal(h.reverted, true, `${h.host}: and reverted`);
    assert.equal("name" in h, false, `${h.host}: hosts are named by host, as in every command`);
  }
});

test("run --json says a window its hosts' timers closed before the revert step was expired", async () => {
  const short = writeRunbook("json-schema-expired", "5s", "[apply, { wait: 14s }, revert, report]");
  const run = await jsonOf("run", short, "--out", join(dir, "expired"));
  for (const h of run.hosts as Record<string, unknown>[])
    assert.equal(h.reverted, "expired", `${h.host}: reverted by its own timer`);
});
