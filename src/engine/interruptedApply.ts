// An apply whose connection dropped (or timed out) after its script was sent. The script ignores
// hang-ups and finishes on the host, so the host may have opened the window while we report it
// failed: cancel.ts reconnects once to cancel it there.
import { HostError } from "../errors.js";

/** The apply script was sent, but how it ended is unknown. Same kind and message as the cause. */
export class InterruptedApply extends HostError {
  readonly window: string;
  /** The apply's command timeout, for the cancel (whoever runs it knows nothing of the apply). */
  readonly timeoutMs?: number;
  constructor(cause: HostError, window: string, timeoutMs?: number) {
    super(cause.kind, cause.host, cause.message, { cause });
    this.window = window;
    this.timeoutMs = timeoutMs;
  }
}
