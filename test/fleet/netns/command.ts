// Running the machine's own tools (ip, nft, useradd, python3) from the fleet helper.
import { spawn, spawnSync } from "node:child_process";
import pLimit from "p-limit";

export interface CommandResult {
  stdout: string;
  stderr: string;
  code: number | null;
}

export interface CommandOptions {
  input?: string;
  timeoutMs?: number;
}

/** Run argv; resolves with its output whatever the exit status (rejects only if it cannot start). */
export function runCommand(argv: string[], options: CommandOptions = {}): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(argv[0], argv.slice(1), { stdio: ["pipe", "pipe", "pipe"] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on("data", (chunk: Buffer) => out.push(chunk));
    child.stderr.on("data", (chunk: Buffer) => err.push(chunk));
    const timer =
      options.timeoutMs === undefined
        ? undefined
        : setTimeout(() => child.kill("SIGKILL"), options.timeoutMs);
    child.on("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString(), code });
    });
    // A child that exits before reading its stdin must not crash us with EPIPE.
    child.stdin.on("error", () => undefined);
    child.stdin.end(options.input ?? "");
  });
}

/** Run argv and return stdout; a non-zero exit becomes an Error that quotes the command and its stderr. */
export async function runChecked(argv: string[], options: CommandOptions = {}): Promise<string> {
  const result = await runCommand(argv, options);
  if (result.code !== 0) throw new CommandError(argv, result);
  return result.stdout;
}

/** The synchronous twin, for the process 'exit' hook where nothing asynchronous runs. */
export function runSync(argv: string[], input?: string): CommandResult {
  const result = spawnSync(argv[0], argv.slice(1), { input: input ?? "", encoding: "utf8" });
  return { stdout: result.stdout ?? "", stderr: result.stderr ?? "", code: result.status };
}

export class CommandError extends Error {
  readonly result: CommandResult;
  constructor(argv: string[], result: CommandResult) {
    super(`${argv.join(" ")} exited with ${result.code}: ${result.stderr.trim() || result.stdout.trim()}`);
    this.name = "CommandError";
    this.result = result;
  }
}

/** Run tasks with at most `limit` in flight; results keep the order of `items`. */
export function inParallel<T, R>(items: T[], limit: number, task: (item: T) => Promise<R>): Promise<R[]> {
  const gate = pLimit(Math.max(1, limit));
  return Promise.all(items.map((item) => gate(() => task(item))));
}
