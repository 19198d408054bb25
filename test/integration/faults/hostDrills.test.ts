// Fault drills on the host side, against real kernel state in network namespaces of this machine
// (the host scripts as the SSH transport runs them, without SSH; the fleet drills go over SSH).
// Each drill injects one fault, then reads kernel truth with `ip netns exec sysctl`, the host's
// /run/nfdebug and its processes, and accepts only: the host as before, or nfdebug's report that
// it is left changed with a live switch (see drillTable.ts).
import { after, test } from "node:test";
import assert from "node:assert/strict";
import { spawn, execFileSync, type ChildProcess } from "node:child_process";
import { readFileSync, readdirSync, rmSync, statfsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { applyHost, renderApply } from "../../../src/engine/apply.js";
import { revertHost } from "../../../src/engine/revert.js";
import { readFacts } from "../../../src/engine/readFacts.js";
import { extendHost } from "../../../src/engine/extend.js";
import { planHost } from "../../../src/engine/plan.js";
import { HostError } from "../../../src/errors.js";
import type { Profile } from "../../../src/profile/types.js";
import { NetnsShell, type NetnsShellOptions } from "../../support/netnsShell.js";
import { readKeyValueFile } from "../../support/keyValueFile.js";
import { recordDrill } from "./drillTable.js";

const shells: NetnsShell[] = [];
const holders: ChildProcess[] = [];
after(() => {
  for (const h of holders) killGroup(h);
  shells.forEach((s) => s.destroy());
});
function host(options: NetnsShellOptions = {}): NetnsShell {
  const s = NetnsShell.create("nfddr", options);
  shells.push(s);
  return s;
}
function killGroup(child: ChildProcess): void {
  try {
    process.kill(-child.pid!, "SIGKILL");
  } catch {
    // gone
  }
}
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function waitUntil(what: string, done: () => boolean, ms: number): Promise<void> {
  for (const t0 = Date.now(); !done(); await sleep(100))
    if (Date.now() - t0 > ms) throw new Error(`${what}: not within ${ms} ms`);
}

const KEYS = ["net.netfilter.nf_conntrack_log_invalid", "net.netfilter.nf_log.10"];
const profile: Profile = { name: "tcp-invalid", logInvalid: 6, nfLog: { ipv6: "NONE" } };
const ORIGINAL = ["0", "nf_log_ipv6"];
const APPLIED = ["6", "NONE"];
let serial = 0;
const req = (seconds: number) => ({
  profile,
  window: `20261203T120000-${(++serial).toString(16).padStart(4, "0")}`,
  owner: "drill@ctl",
  windowSeconds: seconds,
});

/** Kernel truth: the knob values read inside the namespace, not through nfdebug. */
function values(h: NetnsShell): string[] {
  return h
    .exec(["sysctl", "-n", ...KEYS])
    .trim()
    .split("\n");
}
function header(h: NetnsShell): Record<string, string> | null {
  return readKeyValueFile(join(h.dir, "run", "nfdebug", "window"));
}
/** Processes left in the host's namespace whose command line names expire.sh. */
function watchdogs(h: NetnsShell): number[] {
  const pids = execFileSync("ip", ["netns", "pids", h.netns], { encoding: "utf8" })
    .split("\n")
    .filter(Boolean);
  return pids.map(Number).filter((pid) => {
    try {
      return readFileSync(`/proc/${pid}/cmdline`, "utf8").includes("expire.sh");
    } catch {
      return false;
    }
  });
}
function asBefore(h: NetnsShell): boolean {
  return (
    JSON.stringify(values(h)) === JSON.stringify(ORIGINAL) && header(h) === null && watchdogs(h).length === 0
  );
}
/** Changed, with an open window whose watchdog is alive: the other allowed outcome. */
function changedWithLiveSwitch(h: NetnsShell): boolean {
  const w = header(h);
  return (
    JSON.stringify(values(h)) === JSON.stringify(APPLIED) &&
    w !== null &&
    ["open", "opening"].includes(w.state) &&
    watchdogs(h).includes(Number(w.watchdog_pid))
  );
}
function lockFile(h: NetnsShell): string {
  return join(h.dir, "run", "nfdebug", "lock");
}
/** Another process holds the host lock (flock(1) from outside the namespace: the same file). */
function holdLock(h: NetnsShell, seconds: number): ChildProcess {
  execFileSync("mkdir", ["-p", join(h.dir, "run", "nfdebug")]);
  const child = spawn("flock", [lockFile(h), "sleep", String(seconds)], { stdio: "ignore", detached: true });
  holders.push(child);
  return child;
}
function lockHeld(h: NetnsShell): boolean {
  try {
    execFileSync("flock", ["-n", lockFile(h), "true"]);
    return false;
  } catch {
    return true;
  }
}
/** Fills the file system of DIR so that `free` bytes (rounded to its blocks) are left. */
function fillTo(dir: string, free: number): void {
  rmSync(join(dir, "filler"), { force: true });
  const fs = statfsSync(dir);
  const avail = fs.bavail * fs.bsize;
  if (avail > free) writeFileSync(join(dir, "filler"), Buffer.alloc(avail - free));
}

test("/run nearly full at every size from 0 to 96 KiB: apply succeeds with a live switch, or fails host-storage and changes nothing", async () => {
  const h = host({ runSize: 256 * 1024 });
  let survived = 0;
  let tried = 0;
  const outcomes = new Set<string>();
  for (let freeKiB = 0; freeKiB <= 96; freeKiB += 4) {
    // A new window each time, with its scripts to install again: every write of apply is tried.
    rmSync(join(h.dir, "run", "nfdebug"), { recursive: true, force: true });
    fillTo(join(h.dir, "run"), freeKiB * 1024);
    tried++;
    try {
      const outcome = await applyHost(h, req(60));
      assert.ok(changedWithLiveSwitch(h), `${freeKiB} KiB free: reported ok, so applied with a live switch`);
      outcomes.add("applied");
      rmSync(join(h.dir, "run", "filler"), { force: true });
      await revertHost(h, { force: false, window: outcome.window ?? undefined });
    } catch (err) {
      if (!(err instanceof HostError)) throw err;
      assert.equal(err.kind, "host-storage", `${freeKiB} KiB free: ${err.message}`);
      assert.match(err.message, /cannot write \/run\/nfdebug\/\S+ \(\d+ KiB free on its file system\)/);
      outcomes.add("host-storage");
    }
    rmSync(join(h.dir, "run", "filler"), { force: true });
    assert.ok(
      asBefore(h),
      `${freeKiB} KiB free: the host is as before (values ${values(h)}, window ${JSON.stringify(header(h))})`,
    );
    survived++;
  }
  assert.ok(outcomes.has("host-storage") && outcomes.has("applied"), [...outcomes].join(","));
  recordDrill({
    fault: "/run nearly full (0-96 KiB free, 25 sizes)",
    hosts: tried,
    survived,
    how: "as before, or applied with a live switch",
  });
});

test("/var/lib full: apply fails host-storage before any change, or applies with a live switch", async () => {
  const h = host({ varLibSize: 64 * 1024 });
  let survived = 0;
  for (const free of [0, 4096]) {
    fillTo(join(h.dir, "var-lib"), free);
    try {
      await applyHost(h, req(60));
      assert.ok(changedWithLiveSwitch(h));
      await revertHost(h, { force: false });
    } catch (err) {
      if (!(err instanceof HostError)) throw err;
      assert.equal(err.kind, "host-storage", err.message);
      assert.match(err.message, /\/var\/lib\/nfdebug/);
    }
    assert.ok(asBefore(h), `${free} bytes free in /var/lib: as before`);
    survived++;
  }
  recordDrill({
    fault: "/var/lib full (0, 4 KiB free)",
    hosts: 2,
    survived,
    how: "host-storage, nothing changed",
  });
});

test("the host lock held by another process across expiry: the window reverts as soon as it is free", async () => {
  const h = host();
  await applyHost(h, req(3));
  const holder = holdLock(h, 9);
  await waitUntil("the lock taken", () => lockHeld(h), 3000);
  await sleep(5000);
  assert.deepEqual(values(h), APPLIED, "expiry waits for the lock (it does not skip the revert)");
  await waitUntil("the holder to end", () => holder.exitCode !== null || holder.signalCode !== null, 10_000);
  await waitUntil("the revert after the lock was released", () => asBefore(h), 70_000);
  const facts = await readFacts(h, profile);
  assert.equal(facts.history.at(-1)?.detail, "expired");
  recordDrill({
    fault: "lock held by another process across expiry",
    hosts: 1,
    survived: 1,
    how: "reverted once the lock was free",
  });
});

test("a stale lock of a crashed run blocks nothing: the kernel drops it with its holder", async () => {
  const h = host();
  const holder = holdLock(h, 600);
  await waitUntil("the lock taken", () => lockHeld(h), 3000);
  killGroup(holder);
  await waitUntil("the holder gone", () => !lockHeld(h), 3000);
  const outcome = await applyHost(h, req(60));
  assert.equal(outcome.changed, true);
  await revertHost(h, { force: false });
  assert.ok(asBefore(h));
  recordDrill({
    fault: "stale lock from a crashed run (SIGKILL)",
    hosts: 1,
    survived: 1,
    how: "next apply proceeds",
  });
});

test("setsid missing (no systemd): apply refuses before any change; plan says why", async () => {
  const h = host();
  h.hidden.add("setsid");
  await assert.rejects(applyHost(h, req(60)), (err: HostError) => {
    assert.equal(err.kind, "unsupported");
    assert.match(err.message, /cannot arm the dead-man's switch, so nothing was changed/);
    return true;
  });
  assert.ok(asBefore(h));
  const facts = await readFacts(h, profile);
  const withoutSetsid = { ...facts, tools: facts.tools.filter((t) => t !== "setsid") };
  assert.match(planHost(profile, withoutSetsid).problems.join(";"), /no dead-man's switch can be armed/);
  assert.deepEqual(planHost(profile, withoutSetsid, { noTimer: true }).problems, []);
  recordDrill({ fault: "setsid missing", hosts: 1, survived: 1, how: "refused, nothing changed" });
});

test("setsid failing during extend: the old switch stays armed and the window reverts at its old expiry", async () => {
  const h = host();
  const applied = await applyHost(h, req(4));
  assert.ok(applied.state === "opened");
  const first = watchdogs(h);
  assert.equal(first.length, 1);
  h.hidden.add("setsid");
  await assert.rejects(extendHost(h, applied.window, 600), /could not arm a new dead-man's switch/);
  assert.deepEqual(watchdogs(h), first, "the old watchdog still runs");
  await waitUntil("the revert at the old expiry", () => asBefore(h), 15_000);
  recordDrill({
    fault: "setsid failing during extend",
    hosts: 1,
    survived: 1,
    how: "old switch kept, reverted at old expiry",
  });
});

for (const step of [3600, -3600]) {
  test(`the wall clock stepped ${step > 0 ? "forward" : "back"} an hour during a window: it reverts at its own time`, async () => {
    const h = host();
    const t0 = Date.now();
    await applyHost(h, req(4));
    h.stepClock(step);
    await waitUntil("the revert", () => asBefore(h), 20_000);
    const tookS = (Date.now() - t0) / 1000;
    assert.ok(tookS >= 3, `not before its time (${tookS} s)`);
    recordDrill({
      fault: `clock stepped ${step > 0 ? "forward" : "back"} 1 h`,
      hosts: 1,
      survived: 1,
      how: `reverted after ${tookS.toFixed(1)} s (window 4 s)`,
    });
  });
}

/** Runs an apply that dies (SIGKILL of its shell) after its steps, before its commit. */
async function applyThatDies(h: NetnsShell, seconds: number): Promise<string> {
  const r = req(seconds);
  const facts = await readFacts(h, profile);
  const script = renderApply(r, planHost(profile, facts), null, { installed: facts.installedScripts });
  const dying = script.replace(/\nnfd_commit\n\}$/, '\nkill -KILL "$$"\n}');
  assert.notEqual(dying, script);
  await h.runScript(dying);
  return r.window;
}

test("an apply killed after its steps, before it committed: the switch armed first reverts it at expiry", async () => {
  const h = host();
  await applyThatDies(h, 4);
  assert.ok(changedWithLiveSwitch(h), "changed, 'opening', and armed");
  assert.equal(header(h)!.state, "opening");
  await waitUntil("the revert at expiry", () => asBefore(h), 20_000);
  recordDrill({
    fault: "apply killed mid-way (half-open window), no further run",
    hosts: 1,
    survived: 1,
    how: "switch reverted it at expiry",
  });
});

test("an apply killed after its steps: the next run rolls the abandoned window back before anything else", async () => {
  const h = host();
  const dead = await applyThatDies(h, 600);
  const next = await applyHost(h, { ...req(60), profile: { name: "udp", logInvalid: 17 } });
  assert.equal(next.changed, true);
  assert.equal(values(h)[0], "17");
  assert.equal(values(h)[1], "nf_log_ipv6", "the abandoned window's nf_log change was undone");
  const facts = await readFacts(h, profile);
  assert.ok(facts.history.some((e) => e.event === "closed" && e.window === dead && e.detail === "abandoned"));
  await revertHost(h, { force: false });
  assert.ok(asBefore(h));
  recordDrill({
    fault: "apply killed mid-way, then another apply",
    hosts: 1,
    survived: 1,
    how: "abandoned window rolled back first",
  });
});

test("a window whose switch died is reverted by the next nfdebug run that reads the host once it is past expiry", async () => {
  const h = host();
  await applyHost(h, req(2));
  for (const pid of watchdogs(h)) process.kill(-pid, "SIGKILL");
  await sleep(5000);
  assert.deepEqual(values(h), APPLIED, "nothing reverted it (its switch is dead)");
  const facts = await readFacts(h, profile);
  assert.equal(facts.window, null);
  assert.ok(asBefore(h));
  recordDrill({
    fault: "switch killed, window overdue",
    hosts: 1,
    survived: 1,
    how: "next facts/status reverted it",
  });
});

test("a window whose switch died is armed again when the same profile is applied before expiry", async () => {
  const h = host();
  const first = await applyHost(h, req(600));
  for (const pid of watchdogs(h)) process.kill(-pid, "SIGKILL");
  await waitUntil("the watchdog gone", () => watchdogs(h).length === 0, 3000);
  const again = await applyHost(h, req(600));
  assert.equal(again.window, first.window);
  assert.ok(changedWithLiveSwitch(h), "armed again");
  await revertHost(h, { force: false });
  assert.ok(asBefore(h));
});

test("the journal directory holds nothing but the lock, the scripts and a window's files", async () => {
  const h = host();
  await applyHost(h, req(60));
  await revertHost(h, { force: false });
  const left = readdirSync(join(h.dir, "run", "nfdebug")).sort();
  assert.deepEqual(left, ["lock", "lock.owner", "s"]);
});

test("setsid missing with --no-timer: the window opens without a switch and a revert ends it", async () => {
  const h = host();
  h.hidden.add("setsid");
  const outcome = await applyHost(h, { ...req(600), noTimer: true });
  assert.equal(outcome.changed, true);
  assert.deepEqual(values(h), APPLIED);
  assert.equal(header(h)!.watchdog_pid, undefined);
  assert.equal(watchdogs(h).length, 0);
  await revertHost(h, { force: false });
  assert.ok(asBefore(h));
});
