// The HostSpec of a test sshd: its address and port, a test user, one key; the rest as given.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { HostSpec } from "../../../../src/inventory/types.js";
import type { KeyPair } from "./keys.js";
import { knownHostsLine, type TestSshd } from "./testSshd.js";
import type { TestUser } from "./testUsers.js";

export function sshdHost(
  sshd: TestSshd,
  user: TestUser,
  key: KeyPair,
  overrides: Partial<HostSpec> = {},
): HostSpec {
  return {
    name: "t1",
    address: sshd.address,
    port: sshd.port,
    user: user.name,
    identityFiles: [key.privateFile],
    groups: [],
    become: false,
    jump: [],
    ...overrides,
  };
}

/** A known_hosts file in `dir` that pins each sshd's host key. */
export function pinnedKnownHosts(dir: string, ...sshds: TestSshd[]): string {
  const file = join(dir, "known_hosts");
  writeFileSync(file, sshds.map((s) => `${knownHostsLine(s)}\n`).join(""));
  return file;
}
