// Fault injection: a host whose sshd dies, a host that refuses connections, a host that vanishes,
// a host that answers every login with something else than what was asked.
import { constants } from "node:fs";
import { copyFile, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { runChecked } from "./command.js";
import { hostPaths, listenerFiles } from "./host-root.js";
import { isAlive, listeningLoopbackPorts, spawnListeners, waitListening } from "./listener.js";
import { dropTableName } from "./names.js";
import { killPids, processesInNetns } from "./namespaces.js";
import type { FleetState, StoredHost } from "./registry.js";

/** SIGKILL every sshd of the host: open sessions drop mid-command; new connections still work. */
export function killSshd(host: StoredHost): number {
  const sshds = processesInNetns([host.netns]).filter((p) => p.comm === "sshd");
  killPids(sshds.map((p) => p.pid));
  return sshds.length;
}

async function waitPortClosed(port: number): Promise<void> {
  for (let i = 0; i < 250 && listeningLoopbackPorts().has(port); i++) {
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** nftables in the initial namespace: a set of ports whose packets are dropped on input. */
async function ensureDropTable(state: FleetState): Promise<string> {
  const table = dropTableName(state.runId);
  if (state.dropTable !== table) {
    await runChecked(["nft", "-f", "-"], {
      input:
        `table inet ${table} {\n` +
        `  set ports { type inet_service; }\n` +
        `  chain input { type filter hook input priority -300; ip daddr 127.0.0.1 tcp dport @ports drop; }\n` +
        `}\n`,
    });
    state.dropTable = table;
  }
  return table;
}

/**
 * refuse: stop the listener (connection refused; sessions already open go on).
 * drop: black-hole the port (connects time out, open sessions hang), like a host that vanished.
 */
export async function cutOff(state: FleetState, host: StoredHost, mode: "refuse" | "drop"): Promise<void> {
  if (host.cut) throw new Error(`${host.name} is already cut off (${host.cut})`);
  if (mode === "drop") {
    const table = await ensureDropTable(state);
    await runChecked(["nft", "add", "element", "inet", table, "ports", `{ ${host.port} }`]);
  } else {
    if (host.listenerPid && isAlive(host.listenerPid)) killPids([host.listenerPid]);
    host.listenerPid = undefined;
    await waitPortClosed(host.port);
  }
  host.cut = mode;
}

export async function restore(state: FleetState, host: StoredHost): Promise<void> {
  if (host.cut === "drop" && state.dropTable) {
    await runChecked(["nft", "delete", "element", "inet", state.dropTable, "ports", `{ ${host.port} }`]);
  } else if (host.cut === "refuse") {
    const [pid] = await spawnListeners([{ port: host.port, ...listenerFiles(host.dir) }]);
    const failed = await waitListening([{ port: host.port, pid }]);
    if (failed.length > 0) throw new Error(`${host.name}: port ${host.port} was taken while cut off`);
    host.listenerPid = pid;
  }
  host.cut = undefined;
}

/**
 * Every later login to the host runs `command` (through the user's shell) instead of the client's
 * command, as an authorized_keys `command="…"` option does; sshd reads the file at each login.
 * null gives the host its ordinary logins back. Sessions already open are not affected.
 */
export async function forceCommand(host: StoredHost, command: string | null): Promise<void> {
  const p = hostPaths(host.dir);
  const file = join(host.role === "root" ? p.home : join(p.users, host.user), ".ssh", "authorized_keys");
  // The lines as the fleet wrote them, kept beside the file the first time.
  const original = `${file}.unforced`;
  try {
    await copyFile(file, original, constants.COPYFILE_EXCL);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
  }
  const keys = (await readFile(original, "utf8")).split("\n").filter((line) => line !== "");
  // sshd unescapes only \" inside the option's quotes.
  const option = command === null ? "" : `command="${command.replace(/"/g, '\\"')}" `;
  // writeFile on the existing file keeps its owner and mode, which sshd's StrictModes checks.
  await writeFile(file, keys.map((line) => `${option}${line}\n`).join(""));
}
