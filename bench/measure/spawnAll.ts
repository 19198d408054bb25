// Runs many commands at once under bench/measure/spawnAll.py, which reads each one's CPU time from
// wait4(2) in microseconds (GNU time's two decimals round a 9 ms ssh client to 0.00 or 0.01) and
// its peak memory from GNU time (see the .py file for why both).
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { trackGroup, untrackGroup } from "../cleanup.js";

export interface SpawnedUsage {
  code: number;
  /** user + sys CPU seconds of this process (and any children it waited for). */
  cpuS: number;
  /** ru_maxrss of this process, KiB. */
  maxRssKb: number;
  stdout: string;
  stderr: string;
}

export interface SpawnAllResult {
  /** From the first command started to the last one ended, measured by the spawner. */
  wallMs: number;
  /** GNU time's own CPU per command, measured in the same run and subtracted from cpuS. */
  timeOverheadMs: number;
  runs: SpawnedUsage[];
}

// dist/bench/measure/spawnAll.js → bench/measure/spawnAll.py in the source tree.
const SPAWNER = fileURLToPath(new URL("../../../bench/measure/spawnAll.py", import.meta.url));

export function spawnAll(
  commands: string[][],
  options: { env: NodeJS.ProcessEnv; workDir: string },
): Promise<SpawnAllResult> {
  const dir = mkdtempSync(join(options.workDir, "spawn-"));
  const specFile = join(dir, "spec.json");
  writeFileSync(specFile, JSON.stringify({ commands, outDir: dir }));
  return new Promise((resolve, reject) => {
    // Its own process group, so the bench's Ctrl-C cleanup ends the spawner and its clients.
    const child = spawn("python3", [SPAWNER, specFile], {
      env: options.env,
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
    });
    if (child.pid !== undefined) trackGroup(child.pid);
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on("data", (b: Buffer) => out.push(b));
    child.stderr.on("data", (b: Buffer) => err.push(b));
    child.on("error", reject);
    child.on("close", (code) => {
      if (child.pid !== undefined) untrackGroup(child.pid);
      try {
        if (code !== 0) throw new Error(`spawnAll.py exited with ${code}: ${Buffer.concat(err).toString()}`);
        const parsed = JSON.parse(Buffer.concat(out).toString()) as {
          wallMs: number;
          timeOverheadMs: number;
          results: Omit<SpawnedUsage, "stdout" | "stderr">[];
        };
        const runs = parsed.results.map((r, i) => ({
          ...r,
          stdout: readFileSync(join(dir, `${i}.out`), "utf8"),
          stderr: readFileSync(join(dir, `${i}.err`), "utf8"),
        }));
        resolve({ wallMs: parsed.wallMs, timeOverheadMs: parsed.timeOverheadMs, runs });
      } catch (e) {
        reject(e as Error);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });
}
