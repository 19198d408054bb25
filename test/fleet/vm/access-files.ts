// The files a test points nfdebug (or ssh) at for one boot: known_hosts for this boot's port and
// inventories for the root and the sudo login.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { stringify } from "yaml";
import { knownHostsLine } from "../netns/keys.js";
import type { VmHost } from "./types.js";

export const ROOT_HOST_NAME = "debvm";
export const SUDO_HOST_NAME = "debvm-sudo";
export const SUDO_USER = "nfdtest";

export function vmHosts(port: number): { root: VmHost; sudo: VmHost } {
  return {
    root: { name: ROOT_HOST_NAME, address: "127.0.0.1", port, user: "root" },
    sudo: { name: SUDO_HOST_NAME, address: "127.0.0.1", port, user: SUDO_USER },
  };
}

export function accessPaths(runDir: string) {
  return {
    knownHostsFile: join(runDir, "known_hosts"),
    inventoryFile: join(runDir, "inventory.yaml"),
    sudoInventoryFile: join(runDir, "inventory-sudo.yaml"),
  };
}

function renderInventory(host: VmHost, identityFile: string, become: boolean): string {
  const doc = {
    hosts: [
      {
        name: host.name,
        address: host.address,
        port: host.port,
        user: host.user,
        identity: identityFile,
        ...(become ? { become: true } : {}),
        groups: become ? ["vm", "sudo"] : ["vm"],
      },
    ],
  };
  return `# nfdebug Debian VM test host (test/fleet/vm); removed when the VM stops.\n${stringify(doc)}`;
}

export function writeAccessFiles(
  runDir: string,
  port: number,
  hostPublicKey: string,
  identityFile: string,
): void {
  const paths = accessPaths(runDir);
  const hosts = vmHosts(port);
  writeFileSync(paths.knownHostsFile, `${knownHostsLine("127.0.0.1", port, hostPublicKey)}\n`);
  writeFileSync(paths.inventoryFile, renderInventory(hosts.root, identityFile, false));
  writeFileSync(paths.sudoInventoryFile, renderInventory(hosts.sudo, identityFile, true));
}
