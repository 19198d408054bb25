// Starting a fleet: plan the hosts, take the machine-wide resources, write every host's root,
// create the namespaces and start one listener per host. Any failure tears down what was made.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { inParallel } from "./command.js";
import { tearDownOnExit } from "./exit-hooks.js";
import { mountFleetTmpfs, prepareFleetDir } from "./fleet-dir.js";
import { acquire } from "./holds.js";
import { planHosts } from "./host-plan.js";
import { listenerFiles, writeHostRoot } from "./host-root.js";
import { renderKnownHosts, writeInventory } from "./inventory-files.js";
import { generateEd25519, knownHostsLine, type KeyPair } from "./keys.js";
import { spawnListeners, waitListening } from "./listener.js";
import { SUDO_PASSWORD_USER, SUDO_USER, newRunId } from "./names.js";
import { addNetns, loopbackUp } from "./namespaces.js";
import { pickFreePorts } from "./ports.js";
import { saveState, type FleetState, type StoredHost } from "./registry.js";
import { allNetnsLogging, fleetSudoers, loginUser, lookupUser } from "./shared-resources.js";
import { sweepStaleFleets } from "./sweeper.js";
import { teardownSync } from "./teardown.js";
import type { FleetOptions } from "./types.js";

function takeSharedResources(state: FleetState, options: FleetOptions): void {
  const wanted = [
    ...(options.allNetnsLogging ? [allNetnsLogging] : []),
    ...(options.sudoHost ? [loginUser(SUDO_USER)] : []),
    ...(options.sudoPasswordHost ? [loginUser(SUDO_PASSWORD_USER)] : []),
    ...(options.sudoHost || options.sudoPasswordHost ? [fleetSudoers] : []),
  ];
  for (const resource of wanted) {
    // Recorded before acquiring, so a half-done acquire is still released.
    state.holds.push(resource.name);
    saveState(state);
    acquire(resource, state.runId);
  }
}

function writeKey(file: string, pair: KeyPair): void {
  writeFileSync(file, pair.privateKey, { mode: 0o600 });
  writeFileSync(`${file}.pub`, `${pair.publicKey}\n`, { mode: 0o644 });
}

/** Start listeners; a port taken between picking and binding moves to a fresh one. */
async function startListeners(hosts: StoredHost[]): Promise<void> {
  let pending = hosts;
  for (let attempt = 0; pending.length > 0; attempt++) {
    if (attempt === 5) throw new Error(`could not bind ports for ${pending.map((h) => h.name).join(", ")}`);
    if (attempt > 0) {
      const taken = new Set(hosts.map((h) => h.port));
      pickFreePorts(pending.length, taken).forEach((port, i) => (pending[i].port = port));
    }
    const specs = pending.map((h) => ({ port: h.port, ...listenerFiles(h.dir) }));
    const pids = await spawnListeners(specs);
    pending.forEach((host, i) => (host.listenerPid = pids[i]));
    const failed = await waitListening(pending.map((h) => ({ port: h.port, pid: h.listenerPid! })));
    pending = pending.filter((h) => failed.some((f) => f.pid === h.listenerPid));
  }
}

export async function startFleetState(options: FleetOptions): Promise<FleetState> {
  if (!Number.isInteger(options.count) || options.count < 0 || options.count > 5000) {
    throw new Error(`count must be an integer 0..5000, got ${options.count}`);
  }
  sweepStaleFleets();
  const { dir, created } = prepareFleetDir(options.dir);
  mountFleetTmpfs(dir);
  const runId = newRunId();
  const state: FleetState = {
    version: 1,
    runId,
    ownerPid: process.pid,
    persistent: options.persistent ?? false,
    dir,
    dirCreated: created,
    hosts: [],
    inventoryFile: join(dir, "inventory.yaml"),
    knownHostsFile: join(dir, "known_hosts"),
    hashedKnownHostsFile: join(dir, "known_hosts.hashed"),
    identityFile: join(dir, "id_ed25519"),
    holds: [],
  };
  saveState(state);
  if (!state.persistent) tearDownOnExit(state);
  try {
    await buildFleet(state, options);
    return state;
  } catch (error) {
    teardownSync(state);
    throw error;
  }
}

/** NFD_FLEET_TIMING=1 prints how long each start phase took (to stderr). */
function phaseTimer(): (name: string) => void {
  let last = performance.now();
  return (name) => {
    if (!process.env.NFD_FLEET_TIMING) return;
    const now = performance.now();
    process.stderr.write(`fleet start: ${name} ${(now - last).toFixed(0)} ms\n`);
    last = now;
  };
}

async function buildFleet(state: FleetState, options: FleetOptions): Promise<void> {
  const phase = phaseTimer();
  takeSharedResources(state, options);
  const userKey = generateEd25519("nfdebug-test-fleet");
  writeKey(state.identityFile, userKey);
  const sharedKey = options.sharedHostKey
    ? { pair: generateEd25519(), file: join(state.dir, "ssh_host_ed25519_key") }
    : undefined;
  if (sharedKey) writeKey(sharedKey.file, sharedKey.pair);
  mkdirSync(join(state.dir, "hosts"), { mode: 0o755 });
  phase("shared resources and user key");

  const { hosts, hostKeys } = planHosts(options, state.runId, state.dir, (n) => pickFreePorts(n), sharedKey);
  state.hosts = hosts;
  saveState(state);
  phase("plan and host keys");

  const rootAuthorizedKeys = `${userKey.publicKey}\n`;
  await inParallel(state.hosts, options.concurrency ?? 16, async (host) => {
    const users =
      host.role === "root"
        ? []
        : [{ name: host.user, ...userIds(host.user), authorizedKeys: rootAuthorizedKeys }];
    mkdirSync(host.dir, { mode: 0o755 });
    const key = hostKeys.get(host.name);
    if (key) writeKey(host.hostKeyFile, key);
    await writeHostRoot({ ...host, rootAuthorizedKeys, users });
  });

  phase("host roots");
  await addNetns(state.hosts.map((h) => h.netns));
  phase("netns add");
  await loopbackUp(state.hosts.map((h) => h.netns));
  phase("lo up");
  await startListeners(state.hosts);
  phase("listeners");

  writeFileSync(state.knownHostsFile, renderKnownHosts(state.hosts, false));
  writeFileSync(state.hashedKnownHostsFile, renderKnownHosts(state.hosts, true));
  for (const host of state.hosts) {
    writeFileSync(host.knownHostsFile, `${knownHostsLine(host.address, host.port, host.hostKey)}\n`);
  }
  writeInventory(state.inventoryFile, state.hosts, state.identityFile);
  saveState(state);
}

function userIds(name: string): { uid: number; gid: number } {
  const ids = lookupUser(name);
  if (!ids) throw new Error(`user ${name} is missing after useradd`);
  return { uid: ids.uid, gid: ids.gid };
}
