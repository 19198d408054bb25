// Every process the bench starts runs in its own process group, tracked so that Ctrl-C (or an
// error) ends it and everything it started.
import { spawn } from "node:child_process";
import { trackGroup, untrackGroup } from "../cleanup.js";

export interface TrackedRun {
  code: number | null;
  stdout: string;
  stderr: string;
  /** From spawn to exit, measured here. */
  wallMs: number;
}

export function runTracked(
  command: string,
  args: string[],
  options: { env?: NodeJS.ProcessEnv; cwd?: string; onStart?: (pid: number) => void } = {},
): Promise<TrackedRun> {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(command, args, {
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
      if (pid !== undefined) untrackGroup(pid);
      resolve({
        code,
        stdout: Buffer.concat(out).toString(),
        stderr: Buffer.concat(err).toString(),
        wallMs: Number(process.hrtime.bigint() - started) / 1e6,
      });
    });
  });
}
