// The openssh transport: the system `ssh`, as Ansible runs it. One ControlMaster per host in the
// run's private directory; every script is a session on that master, fed to `sh -s` on stdin.
import { spawn } from "node:child_process";
import { HostError } from "../../errors.js";
import type { HostSpec } from "../../inventory/types.js";
import { LineSplitter } from "../lineSplitter.js";
import type { CommonTransportOptions, Connection, Transport } from "../types.js";
import { ControlDirectory } from "./controlDirectory.js";
import { OpensshConnection } from "./opensshConnection.js";
import { sshArguments, type SshArgumentSettings } from "./sshArguments.js";
import { sshFailure } from "./sshFailure.js";

const DEBUG_LINE = /^debug\d: /;

/** The common options as ssh options; --known-hosts unset: ssh's own UserKnownHostsFile. */
export interface OpensshTransportOptions extends CommonTransportOptions {
  /** --ssh-config; unset: ssh reads the user's and the system's ssh_config itself. */
  configFile?: string;
  /** How long an idle master lingers after its last session; default 60 s. */
  controlPersistSeconds?: number;
}

export class OpensshTransport implements Transport {
  private readonly control = new ControlDirectory();
  private readonly settings: SshArgumentSettings;

  constructor(private readonly options: OpensshTransportOptions = {}) {
    this.settings = {
      configFile: options.configFile,
      knownHostsFile: options.knownHostsFile,
      hostKeyPolicy: options.hostKeyPolicy,
      connectTimeoutMs: options.connectTimeoutMs ?? 15_000,
      keepaliveIntervalMs: options.keepaliveIntervalMs ?? 15_000,
      keepaliveCountMax: options.keepaliveCountMax ?? 3,
      controlPersistSeconds: options.controlPersistSeconds ?? 60,
    };
  }

  async connect(host: HostSpec): Promise<Connection> {
    const socket = this.control.socketPath();
    const args = sshArguments(host, socket, this.settings);
    const stop = (): void => {
      const exit = spawn("ssh", ["-O", "exit", ...args], { stdio: "ignore" });
      const done = (): void => {
        this.control.closed(socket);
        this.removeIfIdle();
      };
      exit.on("error", done);
      exit.on("exit", done);
    };
    this.control.opened(socket, ["-O", "exit", ...args]);
    try {
      await startMaster(host, args, this.settings.connectTimeoutMs, this.options.debug);
    } catch (err) {
      stop();
      throw err;
    }
    return new OpensshConnection(host, args, {
      maxSessions: this.options.maxSessions ?? 10,
      commandTimeoutMs: this.options.commandTimeoutMs ?? 120_000,
      maxOutputBytes: this.options.maxOutputBytes,
      onClose: stop,
    });
  }

  private removeIfIdle(): void {
    if (this.control.idle) this.control.removeNow();
  }
}

/**
 * `ssh -N -f`: connects, authenticates, and leaves the master in the background (it lingers
 * ControlPersist after its last session). Its exit status and stderr say whether that worked.
 */
function startMaster(
  host: HostSpec,
  args: string[],
  connectTimeoutMs: number,
  debug?: (host: string, line: string) => void,
): Promise<void> {
  return new Promise((resolve, reject) => {
    // -v before the options: ssh keeps the first LogLevel it is given, so it beats LogLevel=ERROR.
    const child = spawn("ssh", [...(debug ? ["-v"] : []), "-N", "-f", ...args], {
      stdio: ["ignore", "ignore", "pipe"],
    });
    let stderr = "";
    const lines = new LineSplitter((line) => {
      // Debug lines go to -vvv only: the failure message and its kind come from the others.
      if (DEBUG_LINE.test(line)) debug?.(host.name, line.replace(/\r$/, ""));
      else if (stderr.length < 64 * 1024) stderr += `${line}\n`;
    });
    child.stderr.on("data", (chunk: Buffer) => lines.push(chunk));
    child.stderr.on("end", () => lines.end());
    // ConnectTimeout covers TCP only; a server that stalls after it is cut off here.
    const limit = connectTimeoutMs * 2 + 5_000;
    const timer = setTimeout(() => child.kill("SIGKILL"), limit);
    child.on("error", (err) => {
      clearTimeout(timer);
      reject(
        new HostError("unreachable", host.name, `${host.name}: cannot run ssh: ${err.message}`, {
          cause: err,
        }),
      );
    });
    // Success on 'exit': the backgrounded master may hold a copy of stderr. A failure on
    // 'close', once all of stderr is read.
    child.on("exit", (code) => {
      if (code !== 0) return;
      clearTimeout(timer);
      child.stderr.destroy();
      resolve();
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      if (code === 0) return;
      if (signal === "SIGKILL")
        return reject(
          new HostError(
            "timeout",
            host.name,
            `${host.name}: no SSH session within ${limit} ms (connect timeout)`,
          ),
        );
      reject(sshFailure(host.name, stderr, "cannot connect"));
    });
  });
}
