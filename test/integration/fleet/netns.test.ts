// The namespace fleet end to end: real OpenSSH in, real kernel values out, nothing left behind.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { startFleet, type Fleet } from "../../fleet/netns.js";
import { ssh } from "./openssh.js";
import { heldByOthers } from "./shared-holds.js";

const LOG_INVALID = "net.netfilter.nf_conntrack_log_invalid";
const ALL_NETNS = "/proc/sys/net/netfilter/nf_log_all_netns";

let fleet: Fleet;
let allNetnsBefore: string;

before(async () => {
  allNetnsBefore = readFileSync(ALL_NETNS, "utf8").trim();
  fleet = await startFleet({ count: 3, sudoHost: true, sudoPasswordHost: true, allNetnsLogging: true });
});
after(() => fleet?.stop());

async function waitFor(check: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error("timed out");
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

test("the fleet has the requested hosts, each with its own namespace and port", () => {
  assert.deepEqual(
    fleet.hosts.map((h) => [h.name, h.user, h.become]),
    [
      ["h001", "root", false],
      ["h002", "root", false],
      ["h003", "root", false],
      ["hsudo", "nfdtest", true],
      ["hsudopw", "nfdtestpw", true],
    ],
  );
  assert.equal(new Set(fleet.hosts.map((h) => h.port)).size, 5);
  const namespaces = execFileSync("ip", ["netns", "list"], { encoding: "utf8" });
  for (const h of fleet.hosts) assert.match(namespaces, new RegExp(`^${h.netns}\\b`, "m"));
  assert.equal(readFileSync(ALL_NETNS, "utf8").trim(), "1");
});

test("a sysctl set over OpenSSH changes that host only", async () => {
  const [h1, h2, h3] = fleet.hosts;
  const initialBefore = readFileSync(`/proc/sys/net/netfilter/nf_conntrack_log_invalid`, "utf8").trim();
  const result = await ssh(fleet, h1, `sysctl -q -w ${LOG_INVALID}=6 && sysctl -n ${LOG_INVALID}`);
  assert.equal(result.code, 0, result.stderr);
  assert.equal(result.stdout, "6\n");
  assert.equal(await fleet.nsExec(h1, ["sysctl", "-n", LOG_INVALID]), "6\n");
  assert.equal(await fleet.nsExec(h2, ["sysctl", "-n", LOG_INVALID]), "0\n");
  assert.equal(await fleet.nsExec(h3, ["sysctl", "-n", LOG_INVALID]), "0\n");
  const initialAfter = readFileSync(`/proc/sys/net/netfilter/nf_conntrack_log_invalid`, "utf8").trim();
  assert.equal(initialAfter, initialBefore, "the initial namespace is untouched");
});

test("each host has its own hostname, /run, and a clean home without root's .bashrc", async () => {
  const h = fleet.hosts[1];
  const result = await ssh(fleet, h, 'hostname; echo "$HOME"; ls -A ~; ls -A /run; ls -A /var/lib');
  assert.equal(result.code, 0, result.stderr);
  const [hostname, home, ...rest] = result.stdout.trim().split("\n");
  assert.equal(hostname, h.name);
  assert.equal(home, "/root");
  assert.deepEqual(rest.slice(0, 1), [".ssh"], "home holds only .ssh");
  assert.ok(rest.includes("sshd"), "/run is the host's own (it has only sshd's privsep dir and friends)");
  assert.ok(!rest.includes("netns"), "the machine's /run/netns is not visible in the host");
});

test("the hashed known_hosts file verifies the hosts too", async () => {
  const result = await ssh(fleet, fleet.hosts[2], "hostname", { knownHostsFile: fleet.hashedKnownHostsFile });
  assert.equal(result.code, 0, result.stderr);
  assert.equal(result.stdout, `${fleet.hosts[2].name}\n`);
});

test("ssh refuses a host whose key does not match known_hosts", async () => {
  const [h1, h2] = fleet.hosts;
  assert.notEqual(h1.hostKey, h2.hostKey);
  // h001's address and port, but h002's key: what a changed host key looks like.
  const wrong = join(fleet.dir, "wrong_known_hosts");
  writeFileSync(wrong, `[127.0.0.1]:${h1.port} ${h2.hostKey}\n`);
  const changed = await ssh(fleet, h1, "true", { knownHostsFile: wrong });
  assert.equal(changed.code, 255);
  assert.match(changed.stderr, /REMOTE HOST IDENTIFICATION HAS CHANGED/);
  assert.match(changed.stderr, /Host key verification failed/);
  // Another host's own known_hosts file does not know h001 at all.
  const unknown = await ssh(fleet, h1, "true", { knownHostsFile: h2.knownHostsFile });
  assert.equal(unknown.code, 255);
  assert.match(unknown.stderr, /No ED25519 host key is known for \[127\.0\.0\.1\]:\d+/);
});

test("the sudo host logs in as nfdtest (shell /bin/sh) and reaches root with sudo -n", async () => {
  const h = fleet.host("hsudo");
  const result = await ssh(
    fleet,
    h,
    `id -un; echo "$SHELL"; sudo -n id -u; sudo -n sysctl -n ${LOG_INVALID}`,
  );
  assert.equal(result.code, 0, result.stderr);
  assert.equal(result.stdout, "nfdtest\n/bin/sh\n0\n0\n");
  assert.equal(result.stderr, "", "no 'unable to resolve host' or other noise");
});

test("the password host's sudo -n fails with 'a password is required'", async () => {
  const result = await ssh(fleet, fleet.host("hsudopw"), "id -un; sudo -n true");
  assert.equal(result.code, 1);
  assert.equal(result.stdout, "nfdtestpw\n");
  assert.match(result.stderr, /sudo: a password is required/);
});

test("a detached process outlives its session, keeps the host's namespaces and writes the host's /run", async () => {
  const h = fleet.hosts[1];
  const started = Date.now();
  const result = await ssh(
    fleet,
    h,
    "mkdir -p /run/nfdebug; setsid sh -c 'sleep 0.5; hostname > /run/nfdebug/detached; " +
      "readlink /proc/self/ns/net >> /run/nfdebug/detached; exec sleep 299.5' </dev/null >/dev/null 2>&1 & echo started",
  );
  assert.equal(result.stdout, "started\n");
  // Had the session waited for the detached process, it would have taken its 300 s of sleep.
  assert.ok(Date.now() - started < 60_000, "the session did not wait for the detached process");
  const file = join(h.runDir, "nfdebug", "detached");
  await waitFor(() => existsSync(file) && readFileSync(file, "utf8").split("\n").length >= 3, 5000);
  const netns = (await fleet.nsExec(h, ["readlink", "/proc/self/ns/net"])).trim();
  assert.equal(readFileSync(file, "utf8"), `${h.name}\n${netns}\n`);
  assert.equal((await fleet.nsExec(h, ["cat", "/run/nfdebug/detached"])).split("\n")[0], h.name);
  assert.equal((await fleet.nsRun(fleet.hosts[0], ["test", "-e", "/run/nfdebug/detached"])).code, 1);
  assert.ok(!existsSync("/run/nfdebug/detached"), "the machine's own /run is untouched");
});

test("a real INVALID packet raises the host's invalid counter and prints the kernel line", async () => {
  const h = fleet.hosts[2];
  const set = await ssh(fleet, h, `sysctl -q -w ${LOG_INVALID}=6`);
  assert.equal(set.code, 0, set.stderr);
  const marker = `nfdebug-fleet-test-${fleet.runId}-${Date.now()}`;
  writeFileSync("/dev/kmsg", `${marker}\n`);
  const before = await fleet.conntrackStats(h);
  const result = await fleet.makeInvalid(h, "tcp-bad-flags");
  const afterStats = await fleet.conntrackStats(h);
  assert.equal(afterStats.invalid - before.invalid, 2, "judged at OUTPUT and again at PREROUTING on lo");
  const othersInvalid = (await fleet.conntrackStats(fleet.hosts[0])).invalid;
  assert.equal(othersInvalid, 0, "another host's counter did not move");
  const kernel = execFileSync("dmesg", { encoding: "utf8" }).split("\n");
  const since = kernel.slice(kernel.findIndex((l) => l.includes(marker)) + 1);
  const lines = since.filter((l) => l.includes(`SPT=${result.flows[0].sport} DPT=${result.flows[0].dport}`));
  assert.equal(lines.length, 2, since.join("\n"));
  for (const line of lines) assert.match(line, /nf_ct_proto_6: invalid tcp flag combination IN=/);
  assert.match(lines.join("\n"), /OUT=lo /);
  assert.match(lines.join("\n"), /IN=lo /);
});

test("stop removes every namespace, process, mount, user and file", async () => {
  const { runId, dir } = fleet;
  await fleet.stop();
  assert.deepEqual(fleet.leftovers(), []);
  // Independent checks, not through the helper's own bookkeeping.
  assert.doesNotMatch(
    execFileSync("ip", ["netns", "list"], { encoding: "utf8" }),
    new RegExp(`nfd-${runId}-`),
  );
  const processes = execFileSync("ps", ["-eo", "args"], { encoding: "utf8" });
  assert.doesNotMatch(processes, new RegExp(dir.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")));
  assert.doesNotMatch(processes, /sleep 299\.5/, "the detached process of a host is gone too");
  assert.doesNotMatch(readFileSync("/proc/self/mountinfo", "utf8"), new RegExp(`nfd-${runId}-`));
  assert.equal(existsSync(dir), false);
  if (!heldByOthers("user-nfdtest")) assert.throws(() => execFileSync("id", ["nfdtest"], { stdio: "pipe" }));
  if (!heldByOthers("user-nfdtestpw"))
    assert.throws(() => execFileSync("id", ["nfdtestpw"], { stdio: "pipe" }));
  if (!heldByOthers("sudoers")) assert.equal(existsSync("/etc/sudoers.d/nfdebug-test-fleet"), false);
  if (!heldByOthers("nf_log_all_netns")) assert.equal(readFileSync(ALL_NETNS, "utf8").trim(), allNetnsBefore);
  await fleet.stop(); // idempotent
});
