// Run dirs of test boots whose process was SIGKILLed: qemu died with it (parent-death signal), but
// nothing could remove the dir. The next boot removes them.
import { readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isQemuOf } from "./qemu.js";

export const RUN_DIR_PREFIX = "nfdebug-vm-";
/** A dir this young may belong to a boot that has not written its state yet. */
const GRACE_MS = 10 * 60_000;

export function removeStaleRunDirs(parent = tmpdir()): string[] {
  const removed: string[] = [];
  for (const name of readdirSync(parent)) {
    if (!name.startsWith(RUN_DIR_PREFIX)) continue;
    const dir = join(parent, name);
    try {
      if (Date.now() - statSync(dir).mtimeMs < GRACE_MS) continue;
      const state = JSON.parse(readFileSync(join(dir, "state.json"), "utf8")) as {
        pid: number;
        overlayFile: string;
      };
      if (isQemuOf(state.pid, state.overlayFile)) continue;
    } catch {
      // no readable state after the grace period: an abandoned dir all the same
    }
    rmSync(dir, { recursive: true, force: true });
    removed.push(dir);
  }
  return removed;
}
