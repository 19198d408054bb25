// What the CLI tests look at on the namespace fleet, without going through nfdebug: kernel values
// (sysctl inside the host), the host-side journal files, processes left in a host's namespace.
// Also the few ways a test steers a host: holding its nfdebug lock, a profile file, a tripwire port.
import assert from "node:assert/strict";
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { join } from "node:path";
import { parse, stringify } from "yaml";
import type { Fleet, FleetHost } from "../../fleet/netns.js";
import { netnsProcesses, netnsProcessIds } from "../../support/netnsShell.js";
import { runCli } from "../../support/cli.js";
import { readKeyValueFile } from "../../support/keyValueFile.js";

/** The knobs the test profiles touch, read with `sysctl -n` inside the host. */
export const KNOB_KEYS = [
  "net.netfilter.nf_conntrack_log_invalid",
  "net.netfilter.nf_log.2",
  "net.netfilter.nf_log.10",
] as const;

export type KnobValues = Record<(typeof KNOB_KEYS)[number], string>;

export async function knobValues(fleet: Fleet, host: FleetHost | string): Promise<KnobValues> {
  const out = (await fleet.nsExec(host, ["sysctl", "-n", ...KNOB_KEYS])).trim().split("\n");
  assert.equal(out.length, KNOB_KEYS.length, `sysctl printed ${JSON.stringify(out)}`);
  return Object.fromEntries(KNOB_KEYS.map((k, i) => [k, out[i]])) as KnobValues;
}

export async function fleetValues(
  fleet: Fleet,
  hosts: FleetHost[] = fleet.hosts,
): Promise<Map<string, KnobValues>> {
  const values = await Promise.all(hosts.map((h) => knobValues(fleet, h)));
  return new Map(hosts.map((h, i) => [h.name, values[i]]));
}

export async function assertValues(
  fleet: Fleet,
  hosts: FleetHost[],
  expected: KnobValues,
  why: string,
): Promise<void> {
  const actual = await fleetValues(fleet, hosts);
  for (const h of hosts) assert.deepEqual(actual.get(h.name), expected, `${h.name}: ${why}`);
}

/** Poll until `check` holds; fails with `what` after timeoutMs. */
export async function waitFor(
  what: string,
  check: () => boolean | Promise<boolean>,
  timeoutMs = 20_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for: ${what}`);
    await sleep(25);
  }
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// ---- the host-side journal (/run/nfdebug of the host is DIR/run/nfdebug here) ----

export function journalDir(host: FleetHost): string {
  return join(host.runDir, "nfdebug");
}

/** The open window's header (key=value lines), or null. */
export function windowHeader(host: FleetHost): Record<string, string> | null {
  return journalKeyValues(host, "window");
}

/** A key=value file of the host's journal directory (window, budget), or null when there is none. */
export function journalKeyValues(host: FleetHost, name: string): Record<string, string> | null {
  return readKeyValueFile(join(journalDir(host), name));
}

/** A profile body whose log budget a few thousand INVALID lines exceed: 50 lines/s, sampled every 2 s. */
export const LOW_BUDGET =
  "log_invalid: tcp\nbudget:\n  max_rate: 50/s\n  max_lines: 1000000\n  interval: 2s\n";

/** The host's window is open and its log budget's sampler counts for it ($J/budget names it). */
export function budgetCounting(host: FleetHost): boolean {
  const w = windowHeader(host);
  return w?.state === "open" && journalKeyValues(host, "budget")?.id === w.id;
}

/** The host's window history (/var/lib/nfdebug/windows.log), one array of fields per line. */
export function windowHistory(host: FleetHost): string[][] {
  try {
    const text = readFileSync(join(host.dir, "var-lib", "nfdebug", "windows.log"), "utf8");
    return text
      .split("\n")
      .filter(Boolean)
      .map((l) => l.split("\t"));
  } catch {
    return [];
  }
}

/** The "opened" history line of window ID on the host: [_, id, started, boot, owner, profile, expires]. */
export function openedEvent(host: FleetHost, id: string): string[] | undefined {
  return windowHistory(host).find(([event, window]) => event === "opened" && window === id);
}

/**
 * Files in the host's journal directory other than what stays by design: the installed scripts
 * (s/VERSION/), the lock file (a flock(2) target, never removed) and its owner note.
 */
export function journalLeftovers(host: FleetHost): string[] {
  if (!existsSync(journalDir(host))) return [];
  return readdirSync(journalDir(host)).filter((f) => !["s", "lock", "lock.owner"].includes(f));
}

/** Forget the last run's lock note, so that a new one shows an apply script has begun. */
export function forgetApplyArrival(host: FleetHost): void {
  rmSync(join(journalDir(host), "lock.owner"), { force: true });
}

/**
 * The apply script is on the host: it waits for the lock (a `flock -w` process in the host), or
 * it took it (its note in lock.owner).
 */
export function applyScriptArrived(host: FleetHost): boolean {
  if (hostProcesses(host).some((c) => c.startsWith("flock -w"))) return true;
  try {
    return readFileSync(join(journalDir(host), "lock.owner"), "utf8").includes("apply of window");
  } catch {
    return false;
  }
}

const lockHolders = new Map<string, ChildProcess>();
// Detached holders would outlive a test that dies: end them with it.
process.on("exit", () => {
  for (const child of lockHolders.values()) {
    try {
      process.kill(-child.pid!, "SIGKILL");
    } catch {
      // already gone
    }
  }
});

/**
 * Take the host's nfdebug lock (a flock(2) on its lock file, held by a child of this test) so
 * that an apply waits for it. nfd_lock gives up after 10 s: release well before.
 */
export function holdLock(host: FleetHost): void {
  if (lockHolders.has(host.name)) return;
  mkdirSync(journalDir(host), { recursive: true, mode: 0o700 });
  const file = join(journalDir(host), "lock");
  // Its own process group: flock(1) runs sleep as a child, and both hold the lock.
  const child = spawn("flock", [file, "sleep", "3600"], { stdio: "ignore", detached: true });
  lockHolders.set(host.name, child);
  for (const t0 = Date.now(); Date.now() - t0 < 5000; execFileSync("sleep", ["0.02"])) {
    try {
      execFileSync("flock", ["-n", file, "true"]);
    } catch {
      return; // held
    }
  }
  throw new Error(`could not take the lock of ${host.name}`);
}

export function releaseLock(host: FleetHost): void {
  const pid = lockHolders.get(host.name)?.pid;
  if (pid) {
    try {
      process.kill(-pid, "SIGKILL");
    } catch {
      // already gone
    }
  }
  lockHolders.delete(host.name);
}

// ---- processes inside a host ----

/** Command lines of the processes in the host's network namespace (`ip netns pids`). */
export function hostProcesses(host: FleetHost): string[] {
  return netnsProcesses(host.netns);
}

export function hostProcessIds(host: FleetHost): Array<{ pid: number; command: string }> {
  return netnsProcessIds(host.netns);
}

export function watchdogs(host: FleetHost): string[] {
  return hostProcesses(host).filter((c) => c.includes("expire.sh"));
}

/**
 * Waits until the host runs no dead-man's switch. A timeout names what each process of the switch
 * was doing (state, process group, kernel wait channel): a switch that ignored its TERM and one
 * that is merely slow on a loaded machine look alike otherwise.
 */
export async function waitForWatchdogsGone(host: FleetHost, timeoutMs: number, why = ""): Promise<void> {
  const started = Date.now();
  try {
    await waitFor(
      `${host.name}: watchdog gone${why ? ` (${why})` : ""}`,
      () => watchdogs(host).length === 0,
      timeoutMs,
    );
  } catch (e) {
    const left = hostProcessIds(host)
      .filter((p) => isSwitchProcess(p.command))
      .map((p) => `${p.pid} ${processState(p.pid)} ${p.command}`);
    throw new Error(
      `${(e as Error).message} after ${Date.now() - started} ms; still running: ${left.join("; ")}`,
      {
        cause: e,
      },
    );
  }
}

/** "state S pgid 123 wchan do_wait" from /proc, or "gone". */
function processState(pid: number): string {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const wchan = readFileSync(`/proc/${pid}/wchan`, "utf8");
    return `state ${fields[0]} ppid ${fields[1]} pgid ${fields[2]} wchan ${wchan || "-"}`;
  } catch {
    return "gone";
  }
}

/** A process of an open window's watchdog: its loop, its `sleep`, its log budget's kernel log reader. */
function isSwitchProcess(command: string): boolean {
  return command.includes("expire.sh") || /^sleep [0-9]+$/.test(command) || command === "cat /dev/kmsg";
}

/** Processes other than an open window's watchdog: sshd, scripts. */
export function busyProcesses(host: FleetHost): string[] {
  return hostProcesses(host).filter((c) => !isSwitchProcess(c));
}

// ---- files the CLI reads ----

export function writeProfile(dir: string, name: string, body: string): string {
  const file = join(dir, `${name}.yaml`);
  writeFileSync(file, `apiVersion: nfdebug/v1\nkind: DebugProfile\nname: ${name}\n${body}`);
  return file;
}

/**
 * The fleet flags every command gets: the fleet's inventory (it names the key) and known_hosts.
 * Generous timeouts: this 2-core machine is often busy with other work (a VM), and no test here
 * waits for a timeout to happen.
 */
export function fleetArgs(
  fleet: Fleet,
  inventory = fleet.inventoryFile,
  knownHosts = fleet.knownHostsFile,
): string[] {
  return ["-i", inventory, "--known-hosts", knownHosts, "--connect-timeout", "30s", "--timeout", "60s"];
}

export interface InventoryHostEntry {
  name: string;
  address: string;
  port: number;
  identity?: string;
  groups?: string[];
}

/** The fleet's inventory, changed by `edit` (a host given another key, an extra host...), as FILE. */
export function writeInventoryVariant(
  fleet: Fleet,
  file: string,
  edit: (hosts: InventoryHostEntry[]) => void,
): string {
  const doc = parse(readFileSync(fleet.inventoryFile, "utf8")) as { hosts: InventoryHostEntry[] };
  edit(doc.hosts);
  writeFileSync(file, stringify(doc));
  return file;
}

/** A TCP port that counts connections: in an inventory, it shows whether nfdebug connected at all. */
export interface Tripwire {
  port: number;
  connections(): number;
  close(): Promise<void>;
}

export async function startTripwire(): Promise<Tripwire> {
  let count = 0;
  const server: Server = createServer((socket) => {
    count += 1;
    socket.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  assert.ok(address && typeof address === "object");
  return {
    port: address.port,
    connections: () => count,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

// ---- suite set-up ----

/** After a test: a failed one must not leave windows open for the next (revert --force). */
export async function revertOpenWindows(fleet: Fleet): Promise<void> {
  if (fleet.hosts.every((h) => windowHeader(h) === null)) return;
  const run = await runCli(["revert", "--force", ...fleetArgs(fleet)]);
  assert.equal(run.code, 0, `cleanup revert: ${run.stderr}`);
}

/** After a suite: the fleet stopped, the suite's directory removed, nothing of the fleet left. */
export async function stopFleet(fleet: Fleet | undefined, dir: string): Promise<void> {
  await fleet?.stop();
  rmSync(dir, { recursive: true, force: true });
  if (fleet) assert.deepEqual(fleet.leftovers(), [], "nothing of the fleet is left");
}
