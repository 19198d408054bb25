// One transport interface: run a script on a host. The SSH implementation lives beside it.
import type { HostSpec } from "../inventory/types.js";

export interface ExecOptions {
  /**
   * Per-command timeout; the command's channel is closed and a HostError("timeout") raised. With
   * onStdoutLine it is the longest the host may stay silent: a stream that keeps sending (a large
   * collect) may take longer than the timeout in all.
   */
  timeoutMs?: number;
  /** Called for each complete stdout line as it arrives (for streaming collection). */
  onStdoutLine?: (line: string) => void;
  /**
   * A second script for the same remote shell, chosen from the first one's output: once stdout
   * has the line `afterLine`, `next(stdoutSoFar)` is called and the script it returns runs next
   * (null: none). One channel and one shell instead of two round trips. Both scripts run with
   * stdin from /dev/null, so no command in the first can read the second. If `next` throws, the
   * shell is ended and runScript rejects with that error. `next` may also answer later (a
   * promise): the host's shell waits, within the timeout. Not combinable with onStdoutLine.
   */
  followUp?: FollowUp;
}

export interface FollowUp {
  afterLine: string;
  next: (stdoutSoFar: string) => string | null | Promise<string | null>;
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
 * needs become), so that no user data ever appears on a remote command line. A host that sends
 * more output for one script than the transport's cap fails with a HostError of kind protocol.
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
