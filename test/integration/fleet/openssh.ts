// The real OpenSSH client against fleet hosts, with strict host key checking.
import { execFile } from "node:child_process";
import type { Fleet, FleetHost } from "../../fleet/netns.js";

export interface SshResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface SshOptions {
  knownHostsFile?: string;
  connectTimeoutSec?: number;
}

export function sshArgs(fleet: Fleet, host: FleetHost, command: string, options: SshOptions = {}): string[] {
  return [
    "-F",
    "/dev/null", // no user or system ssh_config: the test states every option
    "-o",
    "StrictHostKeyChecking=yes",
    "-o",
    `UserKnownHostsFile=${options.knownHostsFile ?? fleet.knownHostsFile}`,
    "-o",
    "GlobalKnownHostsFile=/dev/null",
    "-o",
    "BatchMode=yes",
    "-o",
    "IdentitiesOnly=yes",
    "-o",
    `ConnectTimeout=${options.connectTimeoutSec ?? 10}`,
    "-i",
    fleet.identityFile,
    "-p",
    String(host.port),
    `${host.user}@${host.address}`,
    command,
  ];
}

export function ssh(
  fleet: Fleet,
  host: FleetHost,
  command: string,
  options: SshOptions = {},
): Promise<SshResult> {
  return new Promise((resolve) => {
    execFile("ssh", sshArgs(fleet, host, command, options), { encoding: "utf8" }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === "number" ? error.code : 255) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}
