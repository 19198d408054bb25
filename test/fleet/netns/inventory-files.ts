// The files a test points nfdebug (or ssh) at: an inventory and known_hosts in two spellings.
import { writeFileSync } from "node:fs";
import { stringify } from "yaml";
import { hashedKnownHostsLine, knownHostsLine } from "./keys.js";
import type { FleetHost } from "./types.js";

/** Inventory groups: every host is in "fleet", plus its role ("root", "sudo", "sudo_password"). */
export function groupsOf(host: FleetHost): string[] {
  return ["fleet", host.role.replace("-", "_")];
}

export function renderInventory(hosts: FleetHost[], identityFile: string): string {
  const doc = {
    defaults: { user: "root", identity: identityFile },
    hosts: hosts.map((h) => ({
      name: h.name,
      address: h.address,
      port: h.port,
      ...(h.user !== "root" ? { user: h.user, become: true } : {}),
      groups: groupsOf(h),
    })),
  };
  return `# nfdebug namespace test fleet (test/fleet/netns); removed when the fleet stops.\n${stringify(doc)}`;
}

export function writeInventory(file: string, hosts: FleetHost[], identityFile: string): string {
  writeFileSync(file, renderInventory(hosts, identityFile), { mode: 0o644 });
  return file;
}

export function renderKnownHosts(hosts: FleetHost[], hashed: boolean): string {
  const line = hashed ? hashedKnownHostsLine : knownHostsLine;
  return hosts.map((h) => `${line(h.address, h.port, h.hostKey)}\n`).join("");
}
