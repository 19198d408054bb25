// Files and the server process of one simulated fleet: keys, an nfdebug inventory, known_hosts
// with one line per simulated host, and the ssh2 server child that plays every host.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { stringify } from "yaml";
import { generateEd25519, knownHostsLine } from "../../test/fleet/netns/keys.js";
import { pickFreePorts } from "../../test/fleet/netns/ports.js";
import { trackGroup, untrackGroup } from "../cleanup.js";
import type { SimServerConfig } from "./server.js";

const SERVER = fileURLToPath(new URL("./server.js", import.meta.url));

export interface SimFleet {
  hosts: number;
  inventoryFile: string;
  knownHostsFile: string;
  identityFile: string;
  /** Stop the server; its own CPU seconds and peak RSS (KiB). */
  stop(): Promise<{ cpuS: number; maxRssKb: number }>;
}

/**
 * Free listener ports for every simulated host. The previous run's connections hold their
 * server-side ports in TIME_WAIT for a minute; at 5,000 hosts back to back that is more than the
 * range has free, so wait for them rather than fail.
 */
async function freePorts(hosts: number): Promise<number[]> {
  for (let waited = 0; ; waited += 5) {
    try {
      return pickFreePorts(hosts);
    } catch (err) {
      if (waited >= 120) throw err;
      await new Promise((resolve) => setTimeout(resolve, 5000));
    }
  }
}

function writeFiles(
  dir: string,
  ports: number[],
): { config: string; inventory: string; knownHosts: string; identity: string } {
  mkdirSync(dir, { recursive: true });
  const client = generateEd25519("nfdebug-sim");
  const hostKey = generateEd25519();
  const identity = join(dir, "id_ed25519");
  writeFileSync(identity, client.privateKey, { mode: 0o600 });
  writeFileSync(join(dir, "host_key"), hostKey.privateKey, { mode: 0o600 });
  const names = ports.map((_, i) => `sim${String(i + 1).padStart(4, "0")}`);
  const inventory = join(dir, "inventory.yaml");
  const doc = {
    defaults: { user: "root", identity },
    hosts: ports.map((port, i) => ({ name: names[i], address: "127.0.0.1", port, groups: ["sim"] })),
  };
  writeFileSync(inventory, `# simulated fleet (bench/sim)\n${stringify(doc)}`);
  const knownHosts = join(dir, "known_hosts");
  writeFileSync(
    knownHosts,
    ports.map((p) => `${knownHostsLine("127.0.0.1", p, hostKey.publicKey)}\n`).join(""),
  );
  const config = join(dir, "server.json");
  const serverConfig: SimServerConfig = {
    ports,
    hostKeyFile: join(dir, "host_key"),
    authorizedKey: client.publicKey,
  };
  writeFileSync(config, JSON.stringify(serverConfig));
  return { config, inventory, knownHosts, identity };
}

function waitForLine(child: ChildProcess, what: string): Promise<string> {
  return new Promise((resolve, reject) => {
    let buffered = "";
    const onData = (b: Buffer) => {
      buffered += b.toString();
      const nl = buffered.indexOf("\n");
      if (nl < 0) return;
      child.stdout?.off("data", onData);
      resolve(buffered.slice(0, nl));
    };
    child.stdout?.on("data", onData);
    child.once("exit", (code) => reject(new Error(`simulation server exited (${code}) before ${what}`)));
  });
}

export async function startSimFleet(dir: string, hosts: number): Promise<SimFleet> {
  const files = writeFiles(dir, await freePorts(hosts));
  const child = spawn(process.execPath, [SERVER, files.config], {
    detached: true,
    stdio: ["ignore", "pipe", "inherit"],
  });
  const pid = child.pid as number;
  trackGroup(pid);
  const ready = await waitForLine(child, "ready");
  if (ready !== "ready") throw new Error(`simulation server said ${ready}`);
  return {
    hosts,
    inventoryFile: files.inventory,
    knownHostsFile: files.knownHosts,
    identityFile: files.identity,
    async stop() {
      const report = waitForLine(child, "its report");
      child.kill("SIGTERM");
      const usage = JSON.parse(await report) as { cpuS: number; maxRssKb: number };
      untrackGroup(pid);
      return usage;
    },
  };
}
