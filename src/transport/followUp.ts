// One script, then a second one chosen from its output, on the same shell's stdin
// (ExecOptions.followUp). Shared by every Connection implementation so they agree exactly.
import { afterMarkerLine, LineMarkerScan } from "./lineMarker.js";
import type { FollowUp } from "./types.js";

/** A script run with stdin from /dev/null, inside a group the shell parses whole first. */
export function detachedFromStdin(script: string): string {
  return `{\n${script}\n} </dev/null\n`;
}

/**
 * Watches the first script's stdout for `afterLine`; then asks `next` and ends stdin with the
 * script it returns (or with nothing). What `next` threw, if anything, is `failure()`: the caller
 * reports it instead of the result once the shell has ended.
 */
export class FollowUpConversation {
  private readonly scan: LineMarkerScan;
  /** stdout until the marker (the caller's own chunks, not copies); dropped once decided. */
  private seen: Buffer[] = [];
  private decided = false;
  private failed: Error | undefined;

  constructor(
    private readonly followUp: FollowUp,
    private readonly endStdin: (lastScript?: string) => void,
  ) {
    this.scan = new LineMarkerScan(followUp.afterLine);
  }

  /** What to write to stdin first (stdin stays open). */
  firstInput(script: string): string {
    return detachedFromStdin(script);
  }

  /** Feed stdout bytes as they arrive. */
  onStdout(chunk: Buffer): void {
    if (this.decided) return;
    this.seen.push(chunk);
    if (this.scan.push(chunk) < 0) return;
    this.decided = true;
    const stdoutSoFar = Buffer.concat(this.seen).toString("utf8");
    this.seen = [];
    let next: string | null | Promise<string | null> = null;
    try {
      next = this.followUp.next(stdoutSoFar);
    } catch (err) {
      this.failed = err as Error;
    }
    if (next instanceof Promise) {
      next.then(
        (script) => this.finish(script),
        (err: unknown) => {
          this.failed = err as Error;
          this.finish(null);
        },
      );
    } else this.finish(next);
  }

  private finish(next: string | null): void {
    this.endStdin(next === null ? undefined : detachedFromStdin(next));
  }

  failure(): Error | undefined {
    return this.failed;
  }
}

/** What the follow-up script printed: the output after the first `afterLine` line ("" if none). */
export function followUpOutput(stdout: string, afterLine: string): string {
  const start = afterMarkerLine(stdout, afterLine);
  return start < 0 ? "" : stdout.slice(start);
}
