// One transport interface: run a script on a host. The SSH implementation lives beside it.
import type { HostSpec } from "../inventory/types.js";

export interface ExecOptions {
  /** Per-command timeout; the command's channel is closed and a HostError("timeout") raised. */
  timeoutMs?: number;
  /** Called for each complete stdout line as it arrives (for streaming collection). */
  onStdoutLine?: (line: string) => void;
}

export interface ExecResult {
  /** Full stdout, unless onStdoutLine was given (then ""). */
  stdout: string;
  stderr: string;
  /** Exit status of the remote script; null when it died by a signal. */
  code: number | null;
  /** Signal name as ssh2 reports it (e.g. "SIGKILL") when the script died by a signal. */
  signal?: string;
}

/**
 * A connection to one host, reused for every phase of a command.
 * `runScript` sends a POSIX sh script on stdin to `sh -s` (through `sudo -n` when the host
 * needs become), so that no user data ever appears on a remote command line.
 */
export interface Connection {
  readonly host: HostSpec;
  runScript(script: string, options?: ExecOptions): Promise<ExecResult>;
  close(): void;
}

export interface Transport {
  /** Rejects with a HostError of kind unreachable, auth, hostkey or timeout. */
  connect(host: HostSpec): Promise<Connection>;
}
