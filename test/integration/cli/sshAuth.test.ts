// Issue 9: key authentication through the real CLI, with a real ssh-agent, and redaction: no
// private key material, passphrase or agent socket path in any output, error or audit line, for
// commands that succeed and commands that fail (wrong key, encrypted key without a terminal,
// damaged key, unreachable agent).
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startFleet, type Fleet } from "../../fleet/netns.js";
import { runCli, type CliOptions, type CliResult } from "../../support/cli.js";
import { writeDamagedKey, type DamagedKey } from "../../support/damagedKey.js";
import { runCleanups } from "../transport/harness/cleanup.js";
import { startAgent, type TestAgent } from "../transport/harness/sshAgent.js";
import { tempDir } from "../transport/harness/keys.js";
import { assertValues, fleetValues, writeProfile, type KnobValues } from "./fleetProbe.js";

let fleet: Fleet;
let dir: string;
let agent: TestAgent;
/** The fleet hosts, without any key: only the agent or --identity can log in. */
let keylessInventory: string;
let profile: string;
let original: KnobValues;
let wrongKey: string;
let encryptedKey: string;
let damaged: DamagedKey;
const PASSPHRASE = "correct horse battery staple 9f3e";

/** Everything every command printed, and the audit trail, for the redaction test at the end. */
const transcripts: { what: string; text: string }[] = [];

before(async () => {
  dir = mkdtempSync(join(tmpdir(), "nfd-cli-auth-"));
  fleet = await startFleet({ count: 2 });
  agent = await startAgent(tempDir("nfd-cli-agent-"));
  agent.add(fleet.identityFile);
  keylessInventory = join(dir, "keyless.yaml");
  writeFileSync(
    keylessInventory,
    `hosts:\n${fleet.hosts.map((h) => `  - name: ${h.name}\n    address: 127.0.0.1\n    port: ${h.port}\n`).join("")}`,
  );
  profile = writeProfile(dir, "auth-tcp", "log_invalid: tcp\nwindow: 10m\n");
  original = (await fleetValues(fleet)).get("h001")!;
  wrongKey = join(dir, "wrong_key");
  execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", "not-authorized", "-f", wrongKey]);
  // The fleet's own key, encrypted: the agent (holding the plain key) can stand in for it.
  encryptedKey = join(dir, "encrypted_fleet_key");
  copyFileSync(fleet.identityFile, encryptedKey);
  execFileSync("ssh-keygen", ["-q", "-p", "-P", "", "-N", PASSPHRASE, "-f", encryptedKey]);
  damaged = writeDamagedKey(fleet.identityFile, join(dir, "damaged_key"));
});

after(async () => {
  runCleanups();
  await fleet?.stop();
  rmSync(dir, { recursive: true, force: true });
  if (fleet) assert.deepEqual(fleet.leftovers(), [], "nothing of the fleet is left");
});

const fleetFlags = (inventory = keylessInventory) => [
  "-i",
  inventory,
  "--known-hosts",
  fleet.knownHostsFile,
  "--connect-timeout",
  "30s",
  "--timeout",
  "60s",
];
const stateDir = () => mkdtempSync(join(dir, "state-"));

/** Run the CLI, keep its output (and its audit trail) for the redaction check. */
async function cli(
  what: string,
  args: string[],
  options: CliOptions & { state?: string } = {},
): Promise<CliResult> {
  const state = options.state ?? stateDir();
  const run = await runCli(args, { ...options, env: { XDG_STATE_HOME: state, ...options.env } });
  const audit = join(state, "nfdebug", "history.jsonl");
  transcripts.push({
    what,
    text: `${run.stdout}\n${run.stderr}\n${existsSync(audit) ? readFileSync(audit, "utf8") : ""}`,
  });
  return run;
}

const withAgent = () => ({ env: { SSH_AUTH_SOCK: agent.socket } });

test("with a real ssh-agent holding the key and no --identity: facts, apply and revert work", async () => {
  const state = stateDir();
  const facts = await cli("agent facts", ["facts", ...fleetFlags()], { ...withAgent(), state });
  assert.equal(facts.code, 0, facts.stderr);
  assert.deepEqual(facts.json!.summary, { ok: 2, changed: 0, failed: 0 });

  const applied = await cli("agent apply", ["apply", profile, ...fleetFlags()], { ...withAgent(), state });
  assert.equal(applied.code, 0, applied.stderr);
  assert.deepEqual(applied.json!.summary, { ok: 2, changed: 2, failed: 0 });
  await assertValues(
    fleet,
    fleet.hosts,
    { ...original, "net.netfilter.nf_conntrack_log_invalid": "6" },
    "applied with the agent's key",
  );

  const reverted = await cli("agent revert", ["revert", ...fleetFlags()], {
    ...withAgent(),
    state,
    json: false,
  });
  assert.equal(reverted.code, 0, reverted.stderr);
  assert.match(reverted.stdout, /revert: 2 ok, 2 changed, 0 failed/);
  await assertValues(fleet, fleet.hosts, original, "reverted with the agent's key");
});

test("an encrypted identity file whose key the agent holds needs no passphrase (and no terminal)", async () => {
  const run = await cli(
    "agent + encrypted identity",
    ["facts", ...fleetFlags(), "--identity", encryptedKey],
    { ...withAgent(), noTty: true },
  );
  assert.equal(run.code, 0, run.stderr);
  assert.deepEqual(run.json!.summary, { ok: 2, changed: 0, failed: 0 });
});

test("without an agent and without a key, every host fails with kind auth and nothing else runs", async () => {
  const run = await cli("no agent, no key", ["apply", profile, ...fleetFlags()]);
  assert.equal(run.code, 2, run.stderr);
  assert.deepEqual(run.json!.summary, { ok: 0, changed: 0, failed: 2 });
  for (const h of run.json!.hosts) {
    assert.equal(h.error?.kind, "auth", h.error?.message);
    assert.match(h.error!.message, /authentication failed for user root at 127\.0\.0\.1:\d+: no key to try/);
  }
  await assertValues(fleet, fleet.hosts, original, "nothing applied");
});

test("auth failures say what was tried and skipped, by file name and fingerprint only", async () => {
  const wrong = await cli("wrong key", ["facts", ...fleetFlags(), "--identity", wrongKey], { json: false });
  assert.equal(wrong.code, 2);
  assert.match(wrong.stderr, /auth\s+.*tried key .*wrong_key \(ssh-ed25519 SHA256:[A-Za-z0-9+/]{43}\)/);

  const encrypted = await cli(
    "encrypted key, no terminal",
    ["facts", ...fleetFlags(), "--identity", encryptedKey],
    { noTty: true },
  );
  assert.equal(encrypted.code, 2, encrypted.stderr);
  for (const h of encrypted.json!.hosts) {
    assert.equal(h.error?.kind, "auth");
    assert.match(
      h.error!.message,
      /encrypted_fleet_key \(is encrypted and there is no terminal to ask for its passphrase \(add it to ssh-agent\)\)/,
    );
  }

  const broken = await cli("damaged key", ["facts", ...fleetFlags(), "--identity", damaged.file], {
    json: false,
  });
  assert.equal(broken.code, 2);
  assert.match(
    broken.stderr,
    /damaged_key \(unsupported or damaged key \(Unsupported OpenSSH private key type\)\)/,
  );

  const gone = join(dir, "no-agent-here.sock");
  const noAgent = await cli("unreachable agent", ["facts", ...fleetFlags()], {
    env: { SSH_AUTH_SOCK: gone },
  });
  assert.equal(noAgent.code, 2);
  for (const h of noAgent.json!.hosts)
    assert.match(h.error!.message, /skipped ssh-agent \(cannot reach the agent in SSH_AUTH_SOCK\)/);
  transcripts.push({ what: "socket path of the unreachable agent", text: gone });
});

test("redaction: no key material, passphrase or agent socket path in any output, error or audit line", () => {
  const socketPath = transcripts.pop()!.text;
  assert.ok(transcripts.length >= 8, `${transcripts.length} transcripts`);
  const keyBodies = [fleet.identityFile, wrongKey, encryptedKey, damaged.file].flatMap((file) =>
    readFileSync(file, "utf8")
      .split("\n")
      .filter((l) => l.length >= 16 && !l.startsWith("-----")),
  );
  assert.ok(keyBodies.length > 10);
  const forbidden = [
    "PRIVATE KEY",
    PASSPHRASE,
    "battery staple",
    agent.socket,
    socketPath,
    ...keyBodies,
    ...damaged.secrets,
  ];
  for (const { what, text } of transcripts) {
    assert.ok(text.length > 0, what);
    for (const secret of forbidden)
      assert.ok(!text.includes(secret), `${what}: output contains ${JSON.stringify(secret.slice(0, 24))}…`);
  }
});
