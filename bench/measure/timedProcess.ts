// Runs one controller process under GNU time, which reports the CPU time of the process and of
// every descendant it waited for (rusage of children), and the largest resident set among them.
import { spawn } from "node:child_process";
import { readFileSync, rmSync } from "node:fs";
import { trackGroup, untrackGroup } from "../cleanup.js";

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
export function runTimed(argv: string[], options: TimedOptions): Promise<ProcessUsage> {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn("/usr/bin/time", ["-f", TIME_FORMAT, "-o", options.usageFile, ...argv], {
      env: options.env,
      cwd: options.cwd,
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
    });
    const pid = child.pid;
    if (pid !== undefined) {
      trackGroup(pid);
      options.onStart?.(pid);
    }
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on("data", (b: Buffer) => out.push(b));
    child.stderr.on("data", (b: Buffer) => err.push(b));
    child.on("error", reject);
    child.on("close", (code) => {
      const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
      if (pid !== undefined) untrackGroup(pid);
      try {
        const usage = parseTimeOutput(readFileSync(options.usageFile, "utf8"));
        rmSync(options.usageFile, { force: true });
        resolve({
          wallMs,
          ...usage,
          code,
          stdout: Buffer.concat(out).toString(),
          stderr: Buffer.concat(err).toString(),
        });
      } catch (e) {
        reject(e);
      }
    });
  });
}
