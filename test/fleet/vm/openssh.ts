// Talking to the VM with the machine's OpenSSH client: an independent check on what nfdebug (which
// uses ssh2) does, with strict host key checking against this boot's known_hosts file.
import { runCommand } from "../netns/command.js";
import type { VmSshOptions, VmSshResult, VmUser } from "./types.js";

export interface SshTarget {
  port: number;
  identityFile: string;
  knownHostsFile: string;
  /**
   * Share one connection per user through a control socket in this directory. A login costs the
   * emulated guest a key exchange (0.7 s idle, 5 s on a loaded 2-core machine); a channel on an
   * open connection costs a fork. The master exits with the VM's connection or on `ssh -O exit`.
   */
  controlDir?: string;
}

function multiplexing(target: SshTarget, user: VmUser): string[] {
  if (!target.controlDir) return ["-o", "ControlPath=none"];
  return [
    "-o",
    "ControlMaster=auto",
    "-o",
    `ControlPath=${controlPath(target.controlDir, user)}`,
    "-o",
    "ControlPersist=300",
  ];
}

export function controlPath(controlDir: string, user: VmUser): string {
  return `${controlDir}/cm-${user}`;
}

export function sshArgv(
  target: SshTarget,
  user: VmUser,
  command: string,
  connectTimeoutSeconds = 10,
): string[] {
  return [
    "ssh",
    "-F",
    "/dev/null", // this machine's ~/.ssh/config must not change what the tests see
    "-i",
    target.identityFile,
    "-o",
    "IdentitiesOnly=yes",
    "-o",
    `UserKnownHostsFile=${target.knownHostsFile}`,
    "-o",
    "GlobalKnownHostsFile=/dev/null",
    "-o",
    "StrictHostKeyChecking=yes",
    "-o",
    "BatchMode=yes",
    "-o",
    `ConnectTimeout=${connectTimeoutSeconds}`,
    "-o",
    "ServerAliveInterval=5",
    "-o",
    "ServerAliveCountMax=6",
    "-o",
    "LogLevel=ERROR",
    ...multiplexing(target, user),
    "-p",
    String(target.port),
    `${user}@127.0.0.1`,
    command,
  ];
}

export function runSsh(target: SshTarget, command: string, options: VmSshOptions = {}): Promise<VmSshResult> {
  return runCommand(sshArgv(target, options.user ?? "root", command), {
    input: options.input,
    timeoutMs: options.timeoutMs ?? 120_000,
  });
}

export class SshCommandError extends Error {
  readonly result: VmSshResult;
  /** `guest` says what the console showed when ssh itself failed (a guest kernel oops). */
  constructor(command: string, result: VmSshResult, guest?: string) {
    const said = result.stderr.trim() || result.stdout.trim();
    super(
      `ssh debvm ${JSON.stringify(command)} exited with ${result.code}${said ? `: ${said}` : ""}${guest ? `\n${guest}` : ""}`,
    );
    this.name = "SshCommandError";
    this.result = result;
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Poll a real SSH login (a TCP connect alone proves nothing: qemu's port forward accepts before the
 * guest listens) until `ready` accepts its output, `alive` says the VM died, or the deadline passes.
 */
export async function waitForSsh(
  target: SshTarget,
  probe: string,
  ready: (stdout: string) => boolean,
  deadline: number,
  alive: () => boolean,
): Promise<string> {
  let last = "";
  while (Date.now() < deadline) {
    if (!alive()) throw new Error(`the VM exited while waiting for SSH (last: ${last || "no answer"})`);
    // Never through a control socket: a master from before a reboot must not answer for the new boot.
    const result = await runCommand(sshArgv({ ...target, controlDir: undefined }, "root", probe, 5), {
      timeoutMs: 20_000,
    });
    if (result.code === 0 && ready(result.stdout)) return result.stdout;
    last = (result.stderr.trim() || result.stdout.trim()).split("\n").pop() ?? "";
    await sleep(1000);
  }
  throw new Error(`SSH did not become ready in time (last: ${last || "no answer"})`);
}

/** Close the shared connections (no-op when there are none). */
export async function closeMasters(target: SshTarget): Promise<void> {
  if (!target.controlDir) return;
  for (const user of ["root", "nfdtest"] as const) {
    const argv = sshArgv(target, user, "");
    await runCommand([argv[0], "-O", "exit", ...argv.slice(1, -1)], { timeoutMs: 10_000 });
  }
}
