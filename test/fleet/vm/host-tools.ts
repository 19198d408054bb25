// The machine's tools the VM needs, and the Debian packages that provide them (CI installs these).
import { accessSync, constants } from "node:fs";
import { join } from "node:path";

export const HOST_TOOL_PACKAGES: Record<string, string> = {
  debootstrap: "debootstrap",
  "mkfs.ext4": "e2fsprogs",
  "ssh-keygen": "openssh-client",
  ssh: "openssh-client",
  "qemu-img": "qemu-utils",
  "qemu-system-x86_64": "qemu-system-x86",
  setpriv: "util-linux",
};

const SEARCH_PATH = ["/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin"];

export function findTool(name: string): string | undefined {
  const dirs = [...(process.env.PATH ?? "").split(":").filter(Boolean), ...SEARCH_PATH];
  for (const dir of dirs) {
    try {
      accessSync(join(dir, name), constants.X_OK);
      return join(dir, name);
    } catch {
      // not in this directory
    }
  }
  return undefined;
}

/** Throws naming the apt packages to install when any tool is missing. */
export function requireHostTools(names: string[]): void {
  const missing = names.filter((name) => !findTool(name));
  if (missing.length === 0) return;
  const packages = [...new Set(missing.map((name) => HOST_TOOL_PACKAGES[name] ?? name))];
  throw new Error(`the VM test host needs ${missing.join(", ")}: apt-get install ${packages.join(" ")}`);
}
