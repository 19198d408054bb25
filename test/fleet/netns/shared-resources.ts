// The machine-wide changes a fleet may need, as SharedResources (see holds.ts).
import { readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { runSync } from "./command.js";
import type { SharedResource } from "./holds.js";
import { SUDO_PASSWORD_USER, SUDO_USER } from "./names.js";

const ALL_NETNS = "/proc/sys/net/netfilter/nf_log_all_netns";

/** nf_log_all_netns=1: without it nf_log_syslog drops every line from a non-initial namespace. */
export const allNetnsLogging: SharedResource = {
  name: "nf_log_all_netns",
  setUp() {
    const original = readFileSync(ALL_NETNS, "utf8").trim();
    writeFileSync(ALL_NETNS, "1\n");
    return original;
  },
  tearDown(origin) {
    writeFileSync(ALL_NETNS, `${origin.trim() || "0"}\n`);
  },
};

/** Marks users the fleet made, so a leftover can be told from somebody's real account. */
const USER_COMMENT = "nfdebug test fleet";

export interface UserIds {
  uid: number;
  gid: number;
  home: string;
  shell: string;
  comment: string;
}

export function lookupUser(name: string): UserIds | undefined {
  for (const line of readFileSync("/etc/passwd", "utf8").split("\n")) {
    const f = line.split(":");
    if (f[0] === name)
      return { uid: Number(f[2]), gid: Number(f[3]), comment: f[4], home: f[5], shell: f[6] };
  }
  return undefined;
}

/** A login user with shell /bin/sh and home /home/NAME (each sudo host mounts its own /home). */
export function loginUser(name: string): SharedResource {
  return {
    name: `user-${name}`,
    setUp() {
      const existing = lookupUser(name);
      if (existing && existing.comment !== USER_COMMENT) {
        throw new Error(`user ${name} exists and was not made by the test fleet; remove it or rename it`);
      }
      if (!existing) {
        // "*" instead of useradd's "!": with UsePAM no, sshd refuses accounts locked with "!".
        const r = runSync([
          "useradd",
          "-M",
          "-d",
          `/home/${name}`,
          "-s",
          "/bin/sh",
          "-c",
          USER_COMMENT,
          "-p",
          "*",
          name,
        ]);
        if (r.code !== 0) throw new Error(`useradd ${name}: ${r.stderr.trim()}`);
      }
      return "created";
    },
    tearDown() {
      if (lookupUser(name)?.comment === USER_COMMENT) runSync(["userdel", name]);
    },
  };
}

export const SUDOERS_FILE = "/etc/sudoers.d/nfdebug-test-fleet";

/** nfdtest may run anything without a password; nfdtestpw must give one (so `sudo -n` fails). */
export const fleetSudoers: SharedResource = {
  name: "sudoers",
  setUp() {
    const text =
      `# Made by the nfdebug namespace test fleet; removed when the last fleet stops.\n` +
      `${SUDO_USER} ALL=(ALL:ALL) NOPASSWD: ALL\n` +
      `${SUDO_PASSWORD_USER} ALL=(ALL:ALL) ALL\n`;
    const staging = `${SUDOERS_FILE}.tmp`;
    writeFileSync(staging, text, { mode: 0o440 });
    const check = runSync(["visudo", "-c", "-q", "-f", staging]);
    if (check.code !== 0) {
      rmSync(staging, { force: true });
      throw new Error(`visudo rejected the fleet's sudoers file: ${check.stderr.trim()}`);
    }
    // sudo skips files in sudoers.d whose names contain a dot, so the staging file was inert.
    renameSync(staging, SUDOERS_FILE);
    return "created";
  },
  tearDown() {
    rmSync(SUDOERS_FILE, { force: true });
  },
};
