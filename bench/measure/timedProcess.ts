// Runs one controller process under GNU time, which reports the CPU time of the process and of
// every descendant it waited for (rusage of children), and the largest resident set among them.
import { readFileSync, rmSync } from "node:fs";
import { runTracked } from "./trackedProcess.js";

export interface ProcessUsage {
  /** Wall time measured here, from spawn to exit. */
  wallMs: number;
  /** user + sys CPU seconds of the process and its waited-for descendants. */
  cpuS: number;
  /** ru_maxrss: the largest single process's peak resident set, in KiB. */
  maxRssKb: number;
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface TimedOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** File GNU time writes its figures to (removed afterwards). */
  usageFile: string;
  /** Called with the pid once started (e.g. to sample its process tree). */
  onStart?: (pid: number) => void;
}

const TIME_FORMAT = "%U %S %M";

export function parseTimeOutput(text: string): { cpuS: number; maxRssKb: number } {
  // GNU time prints "Command exited with non-zero status N" before the format line on failure.
  const last = text.trim().split("\n").pop() ?? "";
  const [user, sys, rss] = last.trim().split(/\s+/).map(Number);
  if (![user, sys, rss].every(Number.isFinite)) throw new Error(`cannot read GNU time output: ${text}`);
  return { cpuS: user + sys, maxRssKb: rss };
}

/** Spawn argv under /usr/bin/time in its own process group (killed by the cleanup on Ctrl-C). */
export async function runTimed(argv: string[], options: TimedOptions): Promise<ProcessUsage> {
  const run = await runTracked(
    "/usr/bin/time",
    ["-f", TIME_FORMAT, "-o", options.usageFile, ...argv],
    options,
  );
  const usage = parseTimeOutput(readFileSync(options.usageFile, "utf8"));
  rmSync(options.usageFile, { force: true });
  return { ...run, ...usage };
}
