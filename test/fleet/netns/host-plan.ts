// Which hosts a fleet has, and the record kept for each (names, ports, keys, paths).
import { join } from "node:path";
import { hostPaths } from "./host-root.js";
import { fingerprint, generateEd25519, type KeyPair } from "./keys.js";
import {
  SUDO_HOST,
  SUDO_PASSWORD_HOST,
  SUDO_PASSWORD_USER,
  SUDO_USER,
  netnsName,
  rootHostNames,
} from "./names.js";
import type { StoredHost } from "./registry.js";
import type { FleetOptions, HostRole } from "./types.js";

interface HostRoleAndUser {
  name: string;
  role: HostRole;
  user: string;
}

function hostsWanted(options: FleetOptions): HostRoleAndUser[] {
  const hosts: HostRoleAndUser[] = rootHostNames(options.count).map((name) => ({
    name,
    role: "root",
    user: "root",
  }));
  if (options.sudoHost) hosts.push({ name: SUDO_HOST, role: "sudo", user: SUDO_USER });
  if (options.sudoPasswordHost) {
    hosts.push({ name: SUDO_PASSWORD_HOST, role: "sudo-password", user: SUDO_PASSWORD_USER });
  }
  return hosts;
}

export interface HostPlan {
  hosts: StoredHost[];
  /** Private host keys still to be written, by host name (absent with a shared key). */
  hostKeys: Map<string, KeyPair>;
}

/** One record per host, each with a port from pickPorts and its own (or the shared) host key. */
export function planHosts(
  options: FleetOptions,
  runId: string,
  fleetDir: string,
  pickPorts: (count: number) => number[],
  sharedKey?: { pair: KeyPair; file: string },
): HostPlan {
  const wanted = hostsWanted(options);
  const ports = pickPorts(wanted.length);
  const hostKeys = new Map<string, KeyPair>();
  const hosts = wanted.map((want, i): StoredHost => {
    const dir = join(fleetDir, "hosts", want.name);
    const key = sharedKey?.pair ?? generateEd25519();
    if (!sharedKey) hostKeys.set(want.name, key);
    return {
      name: want.name,
      netns: netnsName(runId, want.name),
      address: "127.0.0.1",
      port: ports[i],
      user: want.user,
      become: want.role !== "root",
      role: want.role,
      dir,
      runDir: hostPaths(dir).run,
      hostKey: key.publicKey,
      hostKeyFingerprint: fingerprint(key.publicKey),
      knownHostsFile: hostPaths(dir).knownHosts,
      hostKeyFile: sharedKey?.file ?? join(dir, "ssh_host_ed25519_key"),
      mountsHome: want.role !== "root",
    };
  });
  return { hosts, hostKeys };
}
