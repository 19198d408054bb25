// Controller start-up: what a Node process costs before the first connection.
import { join } from "node:path";
import { median } from "../measure/stats.js";
import { runTimed } from "../measure/timedProcess.js";
import { CLI } from "../tools/nfdebug.js";

export interface StartupFigures {
  nodeBare: { wallMs: number; cpuMs: number };
  cliModules: { wallMs: number; cpuMs: number };
  validateProfile: { wallMs: number; cpuMs: number };
}

async function medianOf(
  argv: string[],
  workDir: string,
  runs: number,
): Promise<{ wallMs: number; cpuMs: number }> {
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < runs; i++) {
    const r = await runTimed(argv, { usageFile: join(workDir, "startup.time"), env: process.env });
    if (r.code !== 0) throw new Error(`${argv.join(" ")} exited ${r.code}: ${r.stderr}`);
    wall.push(r.wallMs);
    cpu.push(r.cpuS * 1000);
  }
  return { wallMs: median(wall), cpuMs: median(cpu) };
}

export async function startupFigures(
  workDir: string,
  profileFile: string,
  runs = 7,
): Promise<StartupFigures> {
  return {
    nodeBare: await medianOf([process.execPath, "-e", "0"], workDir, runs),
    // The bundled CLI with every command registered, but none of their code loaded.
    cliModules: await medianOf([process.execPath, CLI, "--help"], workDir, runs),
    validateProfile: await medianOf([process.execPath, CLI, "validate", profileFile], workDir, runs),
  };
}
