// Runs many commands at once under bench/measure/spawnAll.py, which reads each one's CPU time from
// wait4(2) in microseconds (GNU time's two decimals round a 9 ms ssh client to 0.00 or 0.01) and
// its peak memory from GNU time (see the .py file for why both).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { runTracked } from "./trackedProcess.js";

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

export async function spawnAll(
  commands: string[][],
  options: { env: NodeJS.ProcessEnv; workDir: string; discardStdout?: boolean },
): Promise<SpawnAllResult> {
  const dir = mkdtempSync(join(options.workDir, "spawn-"));
  const specFile = join(dir, "spec.json");
  writeFileSync(
    specFile,
    JSON.stringify({ commands, outDir: dir, discardStdout: options.discardStdout ?? false }),
  );
  try {
    const run = await runTracked("python3", [SPAWNER, specFile], { env: options.env });
    if (run.code !== 0) throw new Error(`spawnAll.py exited with ${run.code}: ${run.stderr}`);
    const parsed = JSON.parse(run.stdout) as {
      wallMs: number;
      timeOverheadMs: number;
      results: Omit<SpawnedUsage, "stdout" | "stderr">[];
    };
    const runs = parsed.results.map((r, i) => ({
      ...r,
      stdout: readFileSync(join(dir, `${i}.out`), "utf8"),
      stderr: readFileSync(join(dir, `${i}.err`), "utf8"),
    }));
    return { wallMs: parsed.wallMs, timeOverheadMs: parsed.timeOverheadMs, runs };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
