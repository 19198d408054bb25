// Run one script over one exec channel: the script goes to the remote `sh -s` on stdin, so no
// user data is ever part of a remote command line.
import type { Client, ClientChannel } from "ssh2";
import { HostError } from "../errors.js";
import { FollowUpConversation } from "./followUp.js";
import { LineSplitter } from "./lineSplitter.js";
import type { ExecOptions, ExecResult, FollowUp } from "./types.js";

/** stderr kept per command; beyond this only the start is kept (a runaway script). */
const STDERR_LIMIT = 1 << 20;

/** The channel could not be opened; `refused` when the server said no (session limit). */
export class ChannelOpenError extends Error {
  readonly refused: boolean;
  constructor(message: string, refused: boolean) {
    super(message);
    this.refused = refused;
  }
}

export interface ScriptRun {
  client: Client;
  hostName: string;
  command: string;
  script: string;
  options: ExecOptions;
  /** Why the connection went away, if it did: a channel that ends without status reports it. */
  connectionLost: () => HostError | undefined;
}

export function runScriptOnChannel(run: ScriptRun): Promise<ExecResult> {
  const { client, hostName, options } = run;
  if (options.followUp && options.onStdoutLine)
    return Promise.reject(new Error("followUp and onStdoutLine cannot be combined"));
  return new Promise((resolve, reject) => {
    let opened: ClientChannel | undefined;
    let settled = false;
    let timer: NodeJS.Timeout | undefined;
    const settle = (outcome: () => void): void => {
      if (settled) return;
      settled = true;
      if (timer) clearTimeout(timer);
      outcome();
    };
    if (options.timeoutMs && options.timeoutMs > 0) {
      const ms = options.timeoutMs;
      timer = setTimeout(() => {
        settle(() =>
          reject(
            new HostError("timeout", hostName, `${hostName}: the script did not finish within ${ms} ms`),
          ),
        );
        if (opened) {
          opened.signal("KILL"); // honoured by OpenSSH 7.9+; closing the channel hangs up anyway
          opened.close();
        }
      }, ms);
    }
    try {
      client.exec(run.command, (err, channel) => {
        if (err) {
          const refused = /open failed|administratively prohibited/i.test(err.message);
          return settle(() => reject(new ChannelOpenError(err.message, refused)));
        }
        if (settled) return void channel.close(); // timed out while opening
        opened = channel;
        if (options.followUp) return converse(run, options.followUp, channel, settle, resolve, reject);
        collect(run, channel, settle, resolve, reject);
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
  channel: ClientChannel,
  settle: (outcome: () => void) => void,
  resolve: (r: ExecResult) => void,
  reject: (e: Error) => void,
): void {
  const conversation = new FollowUpConversation(followUp, (last) => channel.end(last));
  channel.on("data", (chunk: Buffer) => conversation.onStdout(chunk));
  collect(run, channel, settle, resolve, reject, () => conversation.failure());
  channel.write(conversation.firstInput(run.script));
}

function collect(
  run: ScriptRun,
  channel: ClientChannel,
  settle: (outcome: () => void) => void,
  resolve: (r: ExecResult) => void,
  reject: (e: Error) => void,
  failedBeforeEnd: () => Error | undefined = () => undefined,
): void {
  const stdoutChunks: Buffer[] = [];
  const splitter = run.options.onStdoutLine ? new LineSplitter(run.options.onStdoutLine) : undefined;
  const stderrChunks: Buffer[] = [];
  let stderrBytes = 0;
  let exit: { code: number | null; signal?: string } | undefined;

  channel.on("data", (chunk: Buffer) => {
    if (!splitter) return void stdoutChunks.push(chunk);
    try {
      splitter.push(chunk);
    } catch (err) {
      // the caller's line handler failed: stop the script rather than crash the process
      settle(() => reject(err as Error));
      channel.close();
    }
  });
  channel.stderr.on("data", (chunk: Buffer) => {
    if (stderrBytes >= STDERR_LIMIT) return;
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
      const failed = failedBeforeEnd();
      if (failed) return settle(() => reject(failed));
      try {
        splitter?.end();
      } catch (err) {
        return settle(() => reject(err as Error));
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
