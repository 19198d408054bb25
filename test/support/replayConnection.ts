// A Connection to a ReplayHost: scripts are answered from its exchanges, a follow-up
// (ExecOptions.followUp) as the SSH transport runs it: the first answer's stdout up to the marker
// line decides the second script, and the two answers make one result.
import { HostError } from "../../src/errors.js";
import type { HostSpec } from "../../src/inventory/types.js";
import { afterMarkerLine } from "../../src/transport/lineMarker.js";
import type { Connection, ExecOptions, ExecResult, FollowUp } from "../../src/transport/types.js";
import type { ReplayHost } from "./replayHost.js";

export class ReplayConnection implements Connection {
  closed = false;

  constructor(
    readonly host: HostSpec,
    private readonly replay: ReplayHost,
  ) {}

  async runScript(script: string, options: ExecOptions = {}): Promise<ExecResult> {
    // As an SSH connection answers once closed.
    if (this.closed)
      throw new HostError("aborted", this.host.name, `${this.host.name}: the connection was closed`);
    const result = await this.replay.answer(script, options);
    if (options.followUp) return this.followUp(result, options.followUp, options);
    if (options.onStdoutLine) {
      for (const line of result.stdout.split("\n").slice(0, -1)) options.onStdoutLine(line);
      return { ...result, stdout: "" };
    }
    return result;
  }

  private async followUp(first: ExecResult, followUp: FollowUp, options: ExecOptions): Promise<ExecResult> {
    const end = afterMarkerLine(first.stdout, followUp.afterLine);
    if (end < 0) return first;
    const next = await followUp.next(first.stdout.slice(0, end));
    if (next === null) return first;
    const second = await this.replay.answer(next, { timeoutMs: options.timeoutMs });
    return {
      stdout: first.stdout + second.stdout,
      stderr: first.stderr + second.stderr,
      code: second.code,
    };
  }

  close(): void {
    this.closed = true;
  }
}
