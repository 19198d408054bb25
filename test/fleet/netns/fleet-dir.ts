// The fleet's own directory: a private tmpfs mounted on it, so that writing 200 host roots and
// removing them again costs memory copies, not thousands of unlinks on a discard-mounted disk
// (seen here: 4 s to remove a 200-host tree from ext4 under load, a few ms to unmount a tmpfs).
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { runSync } from "./command.js";

const SOURCE = "nfd-fleet";

export interface FleetDir {
  dir: string;
  /** The directory did not exist before: removing the fleet removes it. */
  created: boolean;
}

/** socat's address grammar splits on ':' and ',', so the paths in EXEC:... must avoid them. */
const SAFE_PATH = /^[A-Za-z0-9_./+@%=-]+$/;

export function prepareFleetDir(requested: string | undefined): FleetDir {
  const dir = resolve(requested ?? join(tmpdir(), "nfd-fleet-"));
  if (!SAFE_PATH.test(dir))
    throw new Error(`fleet dir ${JSON.stringify(dir)}: use letters, digits and _ . / + @ % = - only`);
  if (requested === undefined) return { dir: mkdtempSync(dir), created: true };
  if (!existsSync(dir)) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    return { dir, created: true };
  }
  if (readdirSync(dir).length > 0) throw new Error(`fleet dir ${dir} is not empty (a fleet running there?)`);
  return { dir, created: false };
}

export function mountFleetTmpfs(dir: string): void {
  const result = runSync(["mount", "-t", "tmpfs", "-o", "mode=0700", SOURCE, dir]);
  if (result.code !== 0) throw new Error(`mount tmpfs on ${dir}: ${result.stderr.trim()}`);
}

/** Is DIR a mount point of our tmpfs (and not something else somebody mounted there)? */
export function isFleetTmpfs(dir: string): boolean {
  for (const line of readFileSync("/proc/self/mountinfo", "utf8").split("\n")) {
    const [mountInfo, fsInfo] = line.split(" - ");
    const mountPoint = mountInfo
      ?.split(" ")[4]
      ?.replace(/\\(\d{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));
    if (mountPoint === dir && fsInfo?.startsWith(`tmpfs ${SOURCE} `)) return true;
  }
  return false;
}

/** Unmount (lazily if something still holds it) and remove the dir if the fleet created it. */
export function removeFleetDir(dir: string, created: boolean): void {
  for (let i = 0; i < 10 && isFleetTmpfs(dir); i++) {
    if (runSync(["umount", dir]).code !== 0) runSync(["umount", "-l", dir]);
  }
  if (created) rmSync(dir, { recursive: true, force: true });
}
