// One host's ControlMaster, reused for every phase: each script is an `ssh` session on it, never
// more at once than the server's session limit.
import { execFile } from "node:child_process";
import { HostError } from "../../errors.js";
import type { HostSpec } from "../../inventory/types.js";
import { becomeFailure, SH_COMMAND, SUDO_SH_COMMAND } from "../becomeFailure.js";
import { ChannelSlots } from "../channelSlots.js";
import { outputCapFor } from "../outputCap.js";
import { runScriptOnChannel } from "../scriptChannel.js";
import type { Connection, ExecOptions, ExecResult } from "../types.js";
import { sshFailure, sshFailureKind, withoutMuxNoise } from "./sshFailure.js";
import { sshProcessExec } from "./sshProcess.js";

export interface OpensshConnectionSettings {
  maxSessions: number;
  /** Applies when runScript gets no timeoutMs; 0 means none. */
  commandTimeoutMs: number;
  maxOutputBytes?: number;
  /** Stops the master. */
  onClose: () => void;
}

export class OpensshConnection implements Connection {
  private readonly slots: ChannelSlots;
  private closed: HostError | undefined;

  constructor(
    readonly host: HostSpec,
    private readonly args: string[],
    private readonly settings: OpensshConnectionSettings,
  ) {
    this.slots = new ChannelSlots(settings.maxSessions);
  }

  async runScript(script: string, options: ExecOptions = {}): Promise<ExecResult> {
    if (this.closed) throw this.closed;
    const release = await this.slots.acquire();
    try {
      const result = await runScriptOnChannel({
        client: sshProcessExec(() => this.args),
        hostName: this.host.name,
        command: this.host.become ? SUDO_SH_COMMAND : SH_COMMAND,
        script,
        options: { ...options, timeoutMs: options.timeoutMs ?? this.settings.commandTimeoutMs },
        maxOutputBytes: outputCapFor(options.onStdoutLine !== undefined, this.settings.maxOutputBytes),
        connectionLost: () => this.closed,
      });
      result.stderr = withoutMuxNoise(result.stderr);
      // 255 is ssh's own failure (the script's too, but ours never exit so): when its stderr
      // says which, the host fails with that kind. A script killed by a signal also shows as 255.
      if (result.code === 255 && sshFailureKind(result.stderr))
        throw sshFailure(this.host.name, result.stderr, "the connection failed");
      // A session on a master that died ends with 255 and no word (LogLevel ERROR): ask the master.
      if (result.code === 255 && !(await this.masterAlive()))
        throw new HostError(
          "unreachable",
          this.host.name,
          `${this.host.name}: connection lost (the ssh master exited)`,
        );
      if (this.host.become) {
        const failure = becomeFailure(this.host, result);
        if (failure) throw failure;
      }
      return result;
    } finally {
      release();
    }
  }

  private masterAlive(): Promise<boolean> {
    return new Promise((resolve) => {
      execFile("ssh", ["-O", "check", ...this.args], { timeout: 5_000 }, (err) => resolve(!err));
    });
  }

  close(): void {
    if (this.closed) return;
    this.closed = new HostError("aborted", this.host.name, `${this.host.name}: the connection was closed`);
    this.slots.close(this.closed);
    this.settings.onClose();
  }
}
