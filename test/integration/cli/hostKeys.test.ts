// Issue 9: host key policies through the real CLI. Unknown keys: refused under strict (SHA256
// fingerprint in the message, nothing runs), recorded under accept-new. Changed keys: refused
// under strict and accept-new, accepted only under off, which warns loudly on every run.
// Issue 18: the system ssh_config's UserKnownHostsFile and StrictHostKeyChecking, and the one
// warning per run naming the directives the ssh2 transport ignores.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
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
/** The fleet's known_hosts lines, one per host, in host order. */
let fleetLines: string[];

before(async () => {
  dir = mkdtempSync(join(tmpdir(), "nfd-cli-hostkeys-"));
  fleet = await startFleet({ count: 2 });
  profile = writeProfile(dir, "hostkey-tcp", "log_invalid: tcp\nwindow: 10m\n");
  original = (await fleetValues(fleet)).get("h001")!;
  fleetLines = fleet.hosts.map((h) =>
    readFileSync(fleet.knownHostsFile, "utf8")
      .split("\n")
      .find((l) => l.startsWith(`[127.0.0.1]:${h.port} `))!,
  );
});

after(() => stopFleet(fleet, dir));

const WARNING = /WARNING: --host-key-policy off: host keys are NOT verified/;

function cli(command: string[], knownHosts: string, policy: string, json = true): Promise<CliResult> {
  return runCli(
    [
      ...command,
      "-i",
      fleet.inventoryFile,
      "--known-hosts",
      knownHosts,
      "--host-key-policy",
      policy,
      "--connect-timeout",
      "30s",
    ],
    { json },
  );
}

function file(name: string, lines: string[]): string {
  const path = join(dir, name);
  writeFileSync(path, lines.length > 0 ? `${lines.join("\n")}\n` : "");
  return path;
}

test("strict refuses unknown keys: kind hostkey, the key's SHA256 fingerprint, nothing runs", async () => {
  const knownHosts = file("known_hosts.empty", []);
  const run = await cli(["apply", profile], knownHosts, "strict");
  assert.equal(run.code, 2, run.stderr);
  assert.deepEqual(run.json!.summary, { ok: 0, changed: 0, failed: 2 });
  for (const h of run.json!.hosts) {
    const host = fleet.host(h.host);
    assert.equal(h.error?.kind, "hostkey");
    assert.ok(h.error!.message.includes(`ssh-ed25519 ${host.hostKeyFingerprint}`), h.error!.message);
    assert.match(
      h.error!.message,
      /^h00\d: host key not in .*known_hosts\.empty.*unknown host \[127\.0\.0\.1\]:\d+; verify it and add it, or use --host-key-policy accept-new/,
    );
  }
  await assertValues(fleet, fleet.hosts, original, "nothing ran");
  for (const h of fleet.hosts) assert.equal(windowHeader(h), null);
  assert.equal(readFileSync(knownHosts, "utf8"), "", "strict records nothing");
  assert.doesNotMatch(run.stderr, WARNING);
});

test("accept-new records unknown keys (the lines OpenSSH would write); the next run passes under strict", async () => {
  const knownHosts = file("known_hosts.accept-new", []);
  const applied = await cli(["apply", profile], knownHosts, "accept-new");
  assert.equal(applied.code, 0, applied.stderr);
  assert.deepEqual(applied.json!.summary, { ok: 2, changed: 2, failed: 0 });
  const recorded = readFileSync(knownHosts, "utf8").split("\n").filter(Boolean);
  assert.deepEqual(
    recorded.sort(),
    [...fleetLines].sort(),
    "one line per host, as in the fleet's known_hosts",
  );

  const reverted = await cli(["revert"], knownHosts, "strict");
  assert.equal(reverted.code, 0, reverted.stderr);
  assert.deepEqual(reverted.json!.summary, { ok: 2, changed: 2, failed: 0 });
  await assertValues(fleet, fleet.hosts, original, "reverted");
  assert.equal(
    readFileSync(knownHosts, "utf8").split("\n").filter(Boolean).length,
    2,
    "nothing recorded twice",
  );
});

test("a changed key is refused under strict and accept-new, accepted under off with a loud warning every run", async () => {
  const other = join(dir, "impostor");
  execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", other]);
  const impostor = readFileSync(`${other}.pub`, "utf8").split(" ").slice(0, 2).join(" ");
  const h001 = fleet.host("h001");
  const lines = [`[127.0.0.1]:${h001.port} ${impostor}`, fleetLines[1]];
  const knownHosts = file("known_hosts.changed", lines);

  for (const policy of ["strict", "accept-new"]) {
    const run = await cli(["apply", profile], knownHosts, policy);
    assert.equal(run.code, 2, `${policy}: ${run.stderr}`);
    const refused = run.json!.hosts.find((h) => h.host === "h001")!;
    assert.equal(refused.error?.kind, "hostkey", `${policy}: ${refused.error?.message}`);
    assert.match(refused.error!.message, /HOST KEY CHANGED for \[127\.0\.0\.1\]:\d+/);
    assert.ok(refused.error!.message.includes(h001.hostKeyFingerprint), "names the key presented");
    assert.match(refused.error!.message, /known_hosts\.changed:1 records ssh-ed25519 SHA256:/);
    assert.equal(run.json!.hosts.find((h) => h.host === "h002")?.ok, true, `${policy}: h002 is not affected`);
    assert.deepEqual(
      readFileSync(knownHosts, "utf8").split("\n").filter(Boolean),
      lines,
      `${policy} leaves known_hosts alone`,
    );
    assert.deepEqual(
      (await fleetValues(fleet, [h001])).get("h001"),
      original,
      `${policy}: nothing ran on h001`,
    );
    const revert = await cli(["revert", "-l", "h002"], knownHosts, policy);
    assert.equal(revert.code, 0, revert.stderr);
  }

  const off = await cli(["apply", profile], knownHosts, "off");
  assert.equal(off.code, 0, off.stderr);
  assert.deepEqual(off.json!.summary, { ok: 2, changed: 2, failed: 0 });
  assert.match(off.stderr, WARNING);
  assert.ok(off.stdout.trimStart().startsWith("{"), "stdout stays pure JSON");
  await assertValues(
    fleet,
    fleet.hosts,
    { ...original, "net.netfilter.nf_conntrack_log_invalid": "6" },
    "applied under off",
  );

  const again = await cli(["revert"], knownHosts, "off", false);
  assert.equal(again.code, 0, again.stderr);
  assert.match(again.stderr, WARNING, "the warning comes on every run, also for human output");
  assert.deepEqual(
    readFileSync(knownHosts, "utf8").split("\n").filter(Boolean),
    lines,
    "off records nothing",
  );
  await assertValues(fleet, fleet.hosts, original, "reverted");
});

test("hashed known_hosts entries verify under strict", async () => {
  const run = await cli(["facts"], fleet.hashedKnownHostsFile, "strict");
  assert.equal(run.code, 0, run.stderr);
  assert.deepEqual(run.json!.summary, { ok: 2, changed: 0, failed: 0 });
});

function facts(extra: string[], env: NodeJS.ProcessEnv): Promise<CliResult> {
  return runCli(["facts", "-i", fleet.inventoryFile, "--connect-timeout", "30s", ...extra], {
    json: true,
    env,
  });
}

test("the system ssh_config (NFDEBUG_SYSTEM_SSH_CONFIG here) is read: hosts pinned only by its UserKnownHostsFile pass; ignored directives are named once per run", async () => {
  const system = file("system_ssh_config", [
    "Host *",
    `  UserKnownHostsFile ${fleet.knownHostsFile}`,
    "  Compression yes",
    "  SendEnv LANG LC_*",
  ]);
  const run = await facts([], { NFDEBUG_SYSTEM_SSH_CONFIG: system });
  assert.equal(run.code, 0, run.stderr);
  assert.deepEqual(run.json!.summary, { ok: 2, changed: 0, failed: 0 });
  assert.deepEqual(
    run.stderr.split("\n").filter((l) => l.includes("ssh_config")),
    [
      `nfdebug: ssh_config directives the ssh2 transport ignores: Compression (${system}:3), SendEnv (${system}:4)`,
    ],
    "one warning for both hosts",
  );
  // --ssh-config FILE replaces the user's and the system file, as ssh -F does
  const named = await facts(["--ssh-config", file("empty_ssh_config", [])], {
    NFDEBUG_SYSTEM_SSH_CONFIG: system,
  });
  assert.equal(named.code, 2, named.stderr);
  assert.ok(named.json!.hosts.every((h) => h.error?.kind === "hostkey"));
});

test("StrictHostKeyChecking accept-new from ssh_config applies unless --host-key-policy is given", async () => {
  const recordIn = join(dir, "known_hosts.from-ssh-config");
  const system = file("system_ssh_config.accept-new", [
    "Host *",
    `  UserKnownHostsFile ${recordIn}`,
    "  StrictHostKeyChecking accept-new",
  ]);
  const strict = await facts(["--host-key-policy", "strict"], { NFDEBUG_SYSTEM_SSH_CONFIG: system });
  assert.equal(strict.code, 2, strict.stderr);
  assert.ok(strict.json!.hosts.every((h) => h.error?.kind === "hostkey"));
  assert.throws(() => readFileSync(recordIn), /ENOENT/, "the explicit flag won: nothing recorded");

  const fromConfig = await facts([], { NFDEBUG_SYSTEM_SSH_CONFIG: system });
  assert.equal(fromConfig.code, 0, fromConfig.stderr);
  assert.deepEqual(readFileSync(recordIn, "utf8").split("\n").filter(Boolean).sort(), [...fleetLines].sort());
});
