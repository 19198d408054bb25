// One transport interface: run a script on a host. The SSH implementation lives beside it.
import type { HostSpec } from "../inventory/types.js";
import type { HostKeyPolicy } from "./hostKeys/hostKeyPolicy.js";

/** What every transport is told, each in its own terms (ssh2's options, ssh's -o options). */
export interface CommonTransportOptions {
  /**
   * `--known-hosts`: wins over a host's ssh_config UserKnownHostsFile; without either,
   * ~/.ssh/known_hosts. (Precedence: ./hostKeys/hostKeySources.ts.)
   */
  knownHostsFile?: string;
  /**
   * An explicit policy wins over a host's StrictHostKeyChecking; without either, strict. With
   * "off" the caller prints hostKeyPolicyOffWarning() on every run.
   */
  hostKeyPolicy?: HostKeyPolicy;
  /** TCP connect + handshake + auth, per hop; default 15 s. */
  connectTimeoutMs?: number;
  /** Default for runScript without timeoutMs; default 120 s, 0 for none. */
  commandTimeoutMs?: number;
  /** Default 15 s; the connection is dropped after keepaliveCountMax (3) unanswered. */
  keepaliveIntervalMs?: number;
  keepaliveCountMax?: number;
  /**
   * Most bytes (stdout and stderr) a host may send for one script; past it the host fails with
   * kind protocol. Default 16 MiB, and 64 MiB for streamed kernel log reads (outputCap.ts).
   */
  maxOutputBytes?: number;
  /** Concurrent sessions per connection; default 10 (OpenSSH MaxSessions). */
  maxSessions?: number;
  /** SSH's own debug lines of connecting, per host (-vvv). */
  debug?: (host: string, line: string) => void;
}

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
