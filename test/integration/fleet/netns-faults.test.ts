// Fault injection on namespace hosts: killed sshd, refused connections, black-holed hosts.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { startFleet, type Fleet, type FleetHost } from "../../fleet/netns.js";
import { ssh } from "./openssh.js";

let fleet: Fleet;

before(async () => {
  fleet = await startFleet({ count: 3 });
});
after(() => fleet?.stop());

/** Wait until a session on the host has created FILE in the host's /run (it is running, not connecting). */
async function sessionStarted(host: FleetHost, file: string): Promise<void> {
  const path = join(host.runDir, file);
  for (let i = 0; i < 600 && !existsSync(path); i++) await new Promise((resolve) => setTimeout(resolve, 50));
  assert.ok(existsSync(path), `a session on ${host.name} created /run/${file}`);
}

test("killSshd drops a session mid-command; the host still accepts new ones", async () => {
  const h = fleet.hosts[0];
  const running = ssh(fleet, h, "echo begin; touch /run/long-started; sleep 5; echo end");
  await sessionStarted(h, "long-started");
  assert.ok((await fleet.killSshd(h)) >= 1);
  const dropped = await running;
  assert.equal(dropped.code, 255);
  assert.equal(dropped.stdout, "begin\n");
  assert.match(dropped.stderr, /closed by remote host|Connection reset|broken pipe/i);
  assert.equal((await ssh(fleet, h, "hostname")).stdout, `${h.name}\n`);
});

test("cutOff refuse: connection refused, open sessions go on, restore brings the host back", async () => {
  const h = fleet.hosts[1];
  const open = ssh(fleet, h, "touch /run/open-started; sleep 1.5; echo survived");
  await sessionStarted(h, "open-started");
  await fleet.cutOff(h);
  const refused = await ssh(fleet, h, "true");
  assert.equal(refused.code, 255);
  assert.match(refused.stderr, new RegExp(`port ${h.port}: Connection refused`));
  assert.equal(
    (await ssh(fleet, fleet.hosts[2], "hostname")).stdout,
    `${fleet.hosts[2].name}\n`,
    "others unaffected",
  );
  assert.equal((await open).stdout, "survived\n");
  await assert.rejects(fleet.cutOff(h), /already cut off/);
  await fleet.restore(h);
  assert.equal((await ssh(fleet, h, "hostname")).stdout, `${h.name}\n`);
});

test("cutOff drop: connects time out like a vanished host; restore brings it back", async () => {
  const h = fleet.hosts[2];
  await fleet.cutOff(h, { mode: "drop" });
  const started = Date.now();
  const timedOut = await ssh(fleet, h, "true", { connectTimeoutSec: 1 });
  assert.equal(timedOut.code, 255);
  assert.match(timedOut.stderr, /Connection timed out/);
  assert.ok(Date.now() - started >= 900);
  assert.equal(
    (await ssh(fleet, fleet.hosts[0], "hostname")).stdout,
    `${fleet.hosts[0].name}\n`,
    "others unaffected",
  );
  await fleet.restore(h);
  assert.equal((await ssh(fleet, h, "hostname")).stdout, `${h.name}\n`);
});

test("forceCommand: every later login runs the forced command; null gives the shell back", async () => {
  const h = fleet.hosts[0];
  await fleet.forceCommand(h, `printf '%s' "forced \\"quoted\\""`);
  assert.equal((await ssh(fleet, h, "hostname")).stdout, 'forced "quoted"');
  assert.equal(
    (await ssh(fleet, fleet.hosts[1], "hostname")).stdout,
    `${fleet.hosts[1].name}\n`,
    "others unaffected",
  );
  await fleet.forceCommand(h, "echo again");
  assert.equal((await ssh(fleet, h, "hostname")).stdout, "again\n", "a new command replaces the old one");
  await fleet.forceCommand(h, null);
  assert.equal((await ssh(fleet, h, "hostname")).stdout, `${h.name}\n`);
});

test("stopping a fleet with a host cut off removes the drop table and every listener", async () => {
  await fleet.cutOff(fleet.hosts[0], { mode: "drop" });
  await fleet.cutOff(fleet.hosts[1]);
  const table = new RegExp(`\\bnfd_${fleet.runId.replace("-", "_")}\\b`);
  assert.match(execFileSync("nft", ["list", "tables"], { encoding: "utf8" }), table);
  await fleet.stop();
  assert.deepEqual(fleet.leftovers(), []);
  assert.doesNotMatch(execFileSync("nft", ["list", "tables"], { encoding: "utf8" }), table);
});
