// Run one script over one exec channel: the script goes to the remote `sh -s` on stdin, so no
// user data is ever part of a remote command line.
import { HostError } from "../errors.js";
import { FollowUpConversation } from "./followUp.js";
import { LineSplitter, LineTooLong } from "./lineSplitter.js";
import { OutputCap } from "./outputCap.js";
import type { ExecOptions, ExecResult, FollowUp } from "./types.js";

/** stderr kept per command; beyond this only the start is kept (a runaway script). */
const STDERR_LIMIT = 1 << 20;

/**
 * Longest stdout line (in characters) a streamed read accepts. Kernel log records are a few KB at
 * most (a journald JSON entry included); without a limit, output with no newline would all be
 * kept as one line.
 */
const STREAMED_LINE_LIMIT = 1 << 20;

/** The channel could not be opened; `refused` when the server said no (session limit). */
export class ChannelOpenError extends Error {
  readonly refused: boolean;
  constructor(message: string, refused: boolean) {
    super(message);
    this.refused = refused;
  }
}

/**
 * What a script runs on: an ssh2 session channel, or a local `ssh` process (openssh transport),
 * which behaves as one: stdout as 'data', stderr, 'exit' with a code or a signal, then 'close'.
 */
export interface ScriptStream {
  on(event: "data", listener: (chunk: Buffer) => void): unknown;
  on(event: "exit", listener: (code: number | null, signal?: string) => void): unknown;
  on(event: "error" | "close", listener: () => void): unknown;
  once(event: "close", listener: () => void): unknown;
  stderr: { on(event: "data", listener: (chunk: Buffer) => void): unknown };
  write(text: string): unknown;
  end(text?: string): unknown;
  signal(name: "KILL"): unknown;
  close(): unknown;
}

/** Opens a stream running `command` (ssh2's Client.exec has this shape). */
export interface ScriptExec {
  exec(command: string, callback: (err: Error | undefined, stream: ScriptStream) => void): unknown;
}

export interface ScriptRun {
  client: ScriptExec;
  hostName: string;
  command: string;
  script: string;
  options: ExecOptions;
  /** Most bytes (stdout and stderr) the host may send; beyond it the channel is closed. */
  maxOutputBytes: number;
  /** Why the connection went away, if it did: a channel that ends without status reports it. */
  connectionLost: () => HostError | undefined;
  /** Called whenever the channel delivers output (the server is alive). */
  onData?: () => void;
}

export function runScriptOnChannel(run: ScriptRun): Promise<ExecResult> {
  const { client, hostName, options } = run;
  if (options.followUp && options.onStdoutLine)
    return Promise.reject(new Error("followUp and onStdoutLine cannot be combined"));
  return new Promise((resolve, reject) => {
    let opened: ScriptStream | undefined;
    let settled = false;
    let timer: NodeJS.Timeout | undefined;
    const settle = (outcome: () => void): void => {
      if (settled) return;
      settled = true;
      if (timer) clearTimeout(timer);
      outcome();
    };
    const ms = options.timeoutMs && options.timeoutMs > 0 ? options.timeoutMs : 0;
    // A streamed read is timed from its last output, not its start: a host sending 50,000 lines
    // to a busy controller is slow, not stuck.
    const streamed = options.onStdoutLine !== undefined;
    const expire = (): void => {
      const what = streamed ? `sent no output for ${ms} ms` : `did not finish within ${ms} ms`;
      settle(() => reject(new HostError("timeout", hostName, `${hostName}: the script ${what}`)));
      if (opened) {
        opened.signal("KILL"); // honoured by OpenSSH 7.9+; closing the channel hangs up anyway
        opened.close();
      }
    };
    const arm = (): void => {
      if (!ms || settled) return;
      if (timer) timer.refresh();
      else timer = setTimeout(expire, ms);
    };
    arm();
    try {
      client.exec(run.command, (err, channel) => {
        if (err) {
          const refused = /open failed|administratively prohibited/i.test(err.message);
          return settle(() => reject(new ChannelOpenError(err.message, refused)));
        }
        if (settled) return void channel.close(); // timed out while opening
        opened = channel;
        if (options.followUp) return converse(run, options.followUp, channel, settle, resolve, reject);
        collect(run, channel, settle, resolve, reject, streamed ? { onStdout: arm } : {});
        channel.end(run.script);
      });
    } catch (err) {
      // exec throws synchronously when the socket is already gone
      settle(() =>
        reject(
          run.connectionLost() ??
            new HostError("unreachable", hostName, `${hostName}: ${(err as Error).message}`),
        ),
      );
    }
  });
}

/**
 * Sends the first script without closing stdin, waits for its `afterLine`, then sends the
 * follow-up (if any) and closes stdin. Results and failures are reported as by collect().
 */
function converse(
  run: ScriptRun,
  followUp: FollowUp,
  channel: ScriptStream,
  settle: (outcome: () => void) => void,
  resolve: (r: ExecResult) => void,
  reject: (e: Error) => void,
): void {
  // A follow-up decided late (after a wait) may find the channel already closed by the timeout.
  let closed = false;
  channel.once("close", () => (closed = true));
  const conversation = new FollowUpConversation(followUp, (last) => {
    if (!closed) channel.end(last);
  });
  collect(run, channel, settle, resolve, reject, {
    onStdout: (chunk) => conversation.onStdout(chunk),
    failedBeforeEnd: () => conversation.failure(),
  });
  channel.write(conversation.firstInput(run.script));
}

/**
 * Gathers a script's output (or streams its lines), within the output cap: past it the channel is
 * closed, what was kept is dropped and the host fails with kind protocol. Each chunk is looked at
 * once, so a host that sends junk costs time in proportion to the cap, not to its square.
 */
function collect(
  run: ScriptRun,
  channel: ScriptStream,
  settle: (outcome: () => void) => void,
  resolve: (r: ExecResult) => void,
  reject: (e: Error) => void,
  conversation: {
    onStdout?: (chunk: Buffer) => void;
    failedBeforeEnd?: () => Error | undefined;
  } = {},
): void {
  let stdoutChunks: Buffer[] = [];
  const splitter = run.options.onStdoutLine
    ? new LineSplitter(run.options.onStdoutLine, STREAMED_LINE_LIMIT)
    : undefined;
  let stderrChunks: Buffer[] = [];
  let stderrBytes = 0;
  const cap = new OutputCap(run.maxOutputBytes, run.hostName);
  let stopped = false;
  let exit: { code: number | null; signal?: string } | undefined;

  /** Fail the script now and hang up on it: nothing more of its output is wanted. */
  const stop = (err: Error): void => {
    stopped = true;
    stdoutChunks = [];
    stderrChunks = [];
    settle(() => reject(err));
    channel.signal("KILL"); // honoured by OpenSSH 7.9+; closing the channel hangs up anyway
    channel.close();
  };
  const withinCap = (chunk: Buffer): boolean => {
    if (stopped) return false;
    if (cap.take(chunk.length)) return true;
    stop(cap.exceeded());
    return false;
  };

  channel.on("data", (chunk: Buffer) => {
    run.onData?.();
    if (!withinCap(chunk)) return;
    if (!splitter) {
      stdoutChunks.push(chunk);
      return conversation.onStdout?.(chunk);
    }
    conversation.onStdout?.(chunk);
    try {
      splitter.push(chunk);
    } catch (err) {
      // a line that never ends, or the caller's line handler failed: stop the script rather
      // than crash the process
      stop(err instanceof LineTooLong ? lineTooLong(run.hostName, err) : (err as Error));
    }
  });
  channel.stderr.on("data", (chunk: Buffer) => {
    run.onData?.();
    if (!withinCap(chunk) || stderrBytes >= STDERR_LIMIT) return;
    stderrChunks.push(chunk.subarray(0, STDERR_LIMIT - stderrBytes));
    stderrBytes += chunk.length;
  });
  channel.on("exit", (code: number | null, signal?: string) => {
    exit = typeof code === "number" ? { code } : { code: null, signal: signal ?? "unknown" };
  });
  channel.on("error", () => undefined); // reported through close/exit
  channel.on("close", () => {
    // Let the client's own 'close' land first, so a dropped connection is named as such.
    setImmediate(() => {
      if (stopped) return; // already failed: not even a last partial line goes to the caller
      if (!exit) {
        const lost = run.connectionLost();
        return settle(() =>
          reject(
            lost ??
              new HostError(
                "remote",
                run.hostName,
                `${run.hostName}: the script ended without an exit status`,
              ),
          ),
        );
      }
      const failed = conversation.failedBeforeEnd?.();
      if (failed) return settle(() => reject(failed));
      try {
        splitter?.end();
      } catch (err) {
        return settle(() =>
          reject(err instanceof LineTooLong ? lineTooLong(run.hostName, err) : (err as Error)),
        );
      }
      const result: ExecResult = {
        stdout: splitter ? "" : Buffer.concat(stdoutChunks).toString("utf8"),
        stderr: Buffer.concat(stderrChunks).toString("utf8"),
        code: exit.code,
      };
      if (exit.signal) result.signal = exit.signal;
      settle(() => resolve(result));
    });
  });
}

function lineTooLong(hostName: string, err: LineTooLong): HostError {
  return new HostError(
    "protocol",
    hostName,
    `${hostName}: the host sent a line longer than ${err.limit.toLocaleString("en")} characters where kernel log lines were expected; this is not the output of the log read`,
    { cause: err },
  );
}
