// Temporary local users with /bin/sh as login shell (root's bash runs pyenv from ~/.bashrc,
// which makes every session slow), optionally with a sudoers.d entry. Removed at cleanup.
import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { onCleanup } from "./cleanup.js";

export interface TestUser {
  name: string;
  home: string;
}

export function createTestUser(dir: string, sudo: "none" | "nopasswd" | "password" = "none"): TestUser {
  const name = `nfdt${randomBytes(3).toString("hex")}`;
  const home = join(dir, `home-${name}`);
  mkdirSync(home, { recursive: true, mode: 0o755 });
  // '*' instead of the default locked '!': sshd without PAM refuses locked accounts even for keys.
  execFileSync("useradd", ["-M", "-d", home, "-s", "/bin/sh", "-p", "*", name]);
  onCleanup(`userdel ${name}`, () => void spawnSync("userdel", ["-f", name]));
  if (sudo !== "none") {
    const file = `/etc/sudoers.d/${name}`;
    const rule = sudo === "nopasswd" ? `${name} ALL=(ALL) NOPASSWD: ALL` : `${name} ALL=(ALL) ALL`;
    writeFileSync(file, rule + "\n", { mode: 0o440 });
    onCleanup(`rm ${file}`, () => rmSync(file, { force: true }));
  }
  return { name, home };
}
