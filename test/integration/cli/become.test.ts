// Issue 9: non-root logins through the real CLI. The fleet's sudo host (user nfdtest, NOPASSWD)
// applies and reverts with `become: true` from the inventory or with --become; the host whose sudo
// wants a password fails cleanly with kind become while the others complete (exit 2); a non-root
// login without become is refused up front. `nfdebug doctor` shows root via sudo.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startFleet, type Fleet } from "../../fleet/netns.js";
import { runCli } from "../../support/cli.js";
import {
  assertValues,
  fleetArgs,
  fleetValues,
  journalDir,
  windowHeader,
  writeInventoryVariant,
  writeProfile,
  type KnobValues,
  stopFleet,
} from "./fleetProbe.js";

let fleet: Fleet;
let dir: string;
let profile: string;
let original: KnobValues;
/** The sudo host without `become` in the inventory. */
let noBecomeInventory: string;
const APPLIED: Partial<KnobValues> = { "net.netfilter.nf_conntrack_log_invalid": "6" };

before(async () => {
  dir = mkdtempSync(join(tmpdir(), "nfd-cli-become-"));
  fleet = await startFleet({ count: 1, sudoHost: true, sudoPasswordHost: true });
  profile = writeProfile(dir, "become-tcp", "log_invalid: tcp\nwindow: 10m\n");
  original = (await fleetValues(fleet)).get("h001")!;
  noBecomeInventory = writeInventoryVariant(fleet, join(dir, "no-become.yaml"), (hosts) => {
    for (const h of hosts) delete (h as { become?: boolean }).become;
  });
});

after(() => stopFleet(fleet, dir));

const PASSWORD_MESSAGE =
  "sudo requires a password for nfdtestpw on hsudopw; configure NOPASSWD or log in as root";

test("become: true in the inventory: the sudo host applies and reverts as root; the password host fails with kind become", async () => {
  const [root, sudo, password] = [fleet.host("h001"), fleet.host("hsudo"), fleet.host("hsudopw")];
  assert.equal(sudo.user, "nfdtest");
  const applied = await runCli(["apply", profile, ...fleetArgs(fleet)]);
  assert.equal(applied.code, 2, applied.stderr);
  assert.deepEqual(applied.json!.summary, { ok: 2, changed: 2, failed: 1 });
  const failed = applied.json!.hosts.find((h) => h.host === "hsudopw")!;
  assert.deepEqual(failed.error, { kind: "become", message: PASSWORD_MESSAGE });
  await assertValues(fleet, [root, sudo], { ...original, ...APPLIED }, "applied");
  await assertValues(fleet, [password], original, "the password host is untouched");
  assert.equal(windowHeader(password), null);
  // The journal on the sudo host was written by root, through sudo.
  assert.equal(statSync(join(journalDir(sudo), "window")).uid, 0);
  assert.equal(windowHeader(sudo)?.id, applied.json!.window);

  const reverted = await runCli(["revert", ...fleetArgs(fleet)], { json: false });
  assert.equal(reverted.code, 2, reverted.stderr);
  assert.match(reverted.stdout, /revert: 2 ok, 2 changed, 1 failed/);
  assert.match(
    reverted.stderr,
    /failed hosts \(1\):\nHOST\s+KIND\s+MESSAGE\nhsudopw\s+become\s+sudo requires a password/,
  );
  await assertValues(fleet, fleet.hosts, original, "reverted");
  for (const h of fleet.hosts) assert.equal(windowHeader(h), null);
});

test("--become turns it on from the command line; without it a non-root login is refused up front", async () => {
  const sudo = fleet.host("hsudo");
  const args = [...fleetArgs(fleet, noBecomeInventory), "-l", "hsudo"];
  const started = Date.now();
  const refused = await runCli(["apply", profile, ...args]);
  assert.equal(refused.code, 2, refused.stderr);
  assert.equal(refused.json!.hosts[0].error?.kind, "become");
  assert.match(
    refused.json!.hosts[0].error!.message,
    /logged in as nfdtest \(uid \d+\), not root, and become is off: set become: true .*--become/,
  );
  assert.ok(Date.now() - started < 5_000, "refused at once, not after waiting for a lock");
  await assertValues(fleet, [sudo], original, "nothing changed");

  const applied = await runCli(["apply", profile, ...args, "--become"]);
  assert.equal(applied.code, 0, applied.stderr);
  assert.deepEqual(applied.json!.summary, { ok: 1, changed: 1, failed: 0 });
  await assertValues(fleet, [sudo], { ...original, ...APPLIED }, "applied with --become");
  // Without become the journal is unreadable: say so, instead of "no open window".
  for (const command of [["revert"], ["extend", "--window", applied.json!.window!, "--for", "20m"]]) {
    const denied = await runCli([...command, ...args]);
    assert.equal(denied.code, 2, `${command[0]}: ${denied.stderr}`);
    assert.equal(denied.json!.hosts[0].error?.kind, "become", command[0]);
    assert.match(
      denied.json!.hosts[0].error!.message,
      /\/run\/nfdebug is not readable by nfdtest: set become: true/,
    );
  }
  await assertValues(fleet, [sudo], { ...original, ...APPLIED }, "still applied");
  const reverted = await runCli(["revert", ...args, "--become"]);
  assert.equal(reverted.code, 0, reverted.stderr);
  assert.deepEqual(reverted.json!.summary, { ok: 1, changed: 1, failed: 0 });
  await assertValues(fleet, [sudo], original, "reverted with --become");
});

test("doctor: root logs in as root, the sudo host is root via sudo, the password host fails with kind become", async () => {
  const run = await runCli(["doctor", ...fleetArgs(fleet)]);
  assert.equal(run.code, 2, run.stderr);
  const byHost = new Map(run.json!.hosts.map((h) => [h.host, h]));
  type Capability = { name: string; ok: boolean; value: string; fix?: string };
  const cap = (host: string, name: string) =>
    (byHost.get(host)!.capabilities as Capability[]).find((c) => c.name === name);
  assert.deepEqual(cap("h001", "root"), { name: "root", ok: true, value: "yes" });
  assert.deepEqual(cap("hsudo", "root"), { name: "root", ok: true, value: "via sudo" });
  assert.deepEqual(byHost.get("hsudopw")!.error, { kind: "become", message: PASSWORD_MESSAGE });
  for (const host of ["h001", "hsudo"]) {
    assert.equal(cap(host, "initial netns")?.value, "no (container or namespace)");
    assert.equal(cap(host, "nf_log_all_netns")?.ok, false);
    assert.match(cap(host, "nf_log_all_netns")!.fix!, /machine that hosts this namespace/);
    assert.match(cap(host, "kernel")!.value, /^\d+\.\d+/);
  }

  const text = await runCli(["doctor", ...fleetArgs(fleet, noBecomeInventory), "-l", "hsudo"], {
    json: false,
  });
  assert.equal(text.code, 0, text.stderr);
  assert.match(text.stdout, /^hsudo\n/);
  assert.match(
    text.stdout,
    /MISS root +uid \d+\n +-> log in as root or set become: true with passwordless sudo/,
  );
  assert.match(text.stdout, /ok +log sources +\S+/);
  // sshd's PATH for a non-root login has no sbin directories: the host scripts add them.
  assert.match(text.stdout, /ok +conntrack tool +yes/);
});

test("over the system ssh (--transport openssh): plan, apply and revert through sudo -n; the password host fails with kind become", async () => {
  const [root, sudo, password] = [fleet.host("h001"), fleet.host("hsudo"), fleet.host("hsudopw")];
  const args = [...fleetArgs(fleet), "--transport", "openssh"];
  const plan = await runCli(["plan", profile, ...args]);
  assert.equal(plan.code, 2, plan.stderr);
  const planned = new Map(plan.json!.hosts.map((h) => [h.host, h]));
  assert.equal(planned.get("hsudo")!.ok, true, "sudo host read its facts as root");
  assert.deepEqual(planned.get("hsudopw")!.error, { kind: "become", message: PASSWORD_MESSAGE });

  const applied = await runCli(["apply", profile, ...args]);
  assert.equal(applied.code, 2, applied.stderr);
  assert.deepEqual(applied.json!.summary, { ok: 2, changed: 2, failed: 1 });
  assert.deepEqual(applied.json!.hosts.find((h) => h.host === "hsudopw")!.error, {
    kind: "become",
    message: PASSWORD_MESSAGE,
  });
  await assertValues(fleet, [root, sudo], { ...original, ...APPLIED }, "applied over openssh");
  await assertValues(fleet, [password], original, "the password host is untouched");
  assert.equal(statSync(join(journalDir(sudo), "window")).uid, 0, "journal written by root via sudo");

  const reverted = await runCli(["revert", ...args]);
  assert.equal(reverted.code, 2, reverted.stderr);
  assert.equal(reverted.json!.summary.changed, 2, reverted.stderr);
  await assertValues(fleet, fleet.hosts, original, "reverted over openssh");
  for (const h of fleet.hosts) assert.equal(windowHeader(h), null);
});
