// One script, then a second one chosen from its output, on the same shell's stdin
// (ExecOptions.followUp). Shared by every Connection implementation so they agree exactly.
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
  private seen = "";
  private decided = false;
  private failed: Error | undefined;

  constructor(
    private readonly followUp: FollowUp,
    private readonly endStdin: (lastScript?: string) => void,
  ) {}

  /** What to write to stdin first (stdin stays open). */
  firstInput(script: string): string {
    return detachedFromStdin(script);
  }

  /** Feed decoded stdout text as it arrives. */
  onStdout(text: string): void {
    if (this.decided) return;
    this.seen += text;
    if (afterMarker(this.seen, this.followUp.afterLine) < 0) return;
    this.decided = true;
    let next: string | null = null;
    try {
      next = this.followUp.next(this.seen);
    } catch (err) {
      this.failed = err as Error;
    }
    this.endStdin(next === null ? undefined : detachedFromStdin(next));
  }

  failure(): Error | undefined {
    return this.failed;
  }
}

/** Where the output after the first `afterLine` line starts, or -1 while there is none. */
function afterMarker(stdout: string, afterLine: string): number {
  const marker = `${afterLine}\n`;
  if (stdout.startsWith(marker)) return marker.length;
  const at = stdout.indexOf(`\n${marker}`);
  return at < 0 ? -1 : at + 1 + marker.length;
}

/** What the follow-up script printed: the output after the first `afterLine` line ("" if none). */
export function followUpOutput(stdout: string, afterLine: string): string {
  const start = afterMarker(stdout, afterLine);
  return start < 0 ? "" : stdout.slice(start);
}
