// Runs the built nfdebug CLI (dist/src/cli/main.js) as a child process, as a user would, with a
// clean environment: an empty HOME (no ~/.ssh/config, known_hosts or keys of this machine), no
// system ssh_config (NFDEBUG_SYSTEM_SSH_CONFIG=/dev/null instead of /etc/ssh/ssh_config) and no
// SSH agent, so that every test states the files it uses.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

/** dist/test/support/cli.js → dist/src/cli/main.js */
export const CLI_MAIN = fileURLToPath(new URL("../../src/cli/main.js", import.meta.url));

/** A fleet command's --json output (schemas/result.schema.json). */
export interface HostJson {
  host: string;
  ok: boolean;
  changed: boolean;
  changes: { knob: string; key: string; from: string; to: string; side_effect?: boolean }[];
  error: { kind: string; message: string } | null;
  /** Command-specific details (window, expires, facts, last, reverted_on_abort...). */
  [detail: string]: unknown;
}

export interface FleetJson {
  command: string;
  window?: string;
  hosts: HostJson[];
  summary: { ok: number; changed: number; failed: number };
  aborted?: string | null;
}

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** stdout parsed as JSON (runs with --json); undefined when stdout is not JSON. */
  json: FleetJson | undefined;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  /** Add --json (default true). */
  json?: boolean;
  /** Kill the run after this long (a hung CLI must fail the test, not hang it). Default 120 s. */
  timeoutMs?: number;
  /** Variables added to the clean environment (SSH_AUTH_SOCK, XDG_STATE_HOME...). */
  env?: NodeJS.ProcessEnv;
  /** Run in a new session without a controlling terminal (no /dev/tty to prompt on). */
  noTty?: boolean;
  /** The CLI entry to run (default: this checkout's build, CLI_MAIN), e.g. an installed package's bin. */
  main?: string;
  /** Working directory (default: this process's). */
  cwd?: string;
}

export interface CliRun {
  child: ChildProcess;
  done: Promise<CliResult>;
}

let home: string | undefined;
function cleanHome(): string {
  if (home === undefined) {
    home = mkdtempSync(join(tmpdir(), "nfd-cli-home-"));
    const dir = home;
    process.on("exit", () => rmSync(dir, { recursive: true, force: true }));
  }
  return home;
}

function cliEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, HOME: cleanHome() };
  delete env.SSH_AUTH_SOCK;
  // The audit trail then goes to the clean home, never to this machine's state directory.
  delete env.XDG_STATE_HOME;
  // No config of this machine's user: only the files and NFDEBUG_* variables a test gives.
  delete env.XDG_CONFIG_HOME;
  for (const name of Object.keys(env)) if (name.startsWith("NFDEBUG_")) delete env[name];
  // An inventory of this machine's Ansible setup would stand in for a missing -i.
  delete env.ANSIBLE_INVENTORY;
  return { ...env, NFDEBUG_SYSTEM_SSH_CONFIG: "/dev/null", ...extra };
}

/** Start the CLI; `done` resolves when it exits (whatever its exit code). */
export function startCli(args: string[], options: CliOptions = {}): CliRun {
  const argv = [options.main ?? CLI_MAIN, ...args, ...(options.json === false ? [] : ["--json"])];
  const child = spawn(process.execPath, argv, {
    env: cliEnv(options.env),
    cwd: options.cwd,
    stdio: ["ignore", "pipe", "pipe"],
    detached: options.noTty === true,
  });
  let stdout = "";
  let stderr = "";
  child.stdout!.setEncoding("utf8").on("data", (d: string) => (stdout += d));
  child.stderr!.setEncoding("utf8").on("data", (d: string) => (stderr += d));
  const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs ?? 120_000);
  const done = new Promise<CliResult>((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      let json: FleetJson | undefined;
      try {
        json = JSON.parse(stdout) as FleetJson;
      } catch {
        json = undefined;
      }
      resolve({ code, signal, json, stdout, stderr });
    });
  });
  return { child, done };
}

/** Run the CLI to its end. */
export function runCli(args: string[], options: CliOptions = {}): Promise<CliResult> {
  return startCli(args, options).done;
}
