// An interrupted apply (interruptedApply.ts) may have opened its window on the host while we report
// it failed. Reconnecting once to cancel the window there keeps the promise that a failed host is
// left as it was; when the host cannot be reached, its own timer reverts the window at expiry.
// The fleet runner (runRollout, which FleetSession's phases run on too) does this for every task
// that throws one, so no command that applies (apply, a rollout, a runbook) can forget it.
import { HostError } from "../errors.js";
import type { HostSpec } from "../inventory/types.js";
import type { Transport } from "../transport/types.js";
import { cancelScript } from "./host/scripts.js";
import { InterruptedApply } from "./interruptedApply.js";
import { failedOutcome, type FailedOutcome } from "./result.js";
import { interpretRevert } from "./revert.js";

/**
 * The outcome of a host whose task threw `err`. An interrupted apply is cancelled on the host
 * first, and the outcome says how that went.
 */
export async function failedHostOutcome(
  transport: Transport,
  host: HostSpec,
  err: unknown,
): Promise<FailedOutcome> {
  if (!(err instanceof InterruptedApply)) return failedOutcome(host.name, err);
  try {
    return await cancelInterruptedApply(transport, host, err, err.timeoutMs);
  } catch (cancelled) {
    return failedOutcome(host.name, cancelled);
  }
}

/** Rethrows `err`; for an InterruptedApply, first cancels its window on the host and says how. */
export async function cancelInterruptedApply(
  transport: Transport,
  host: HostSpec,
  err: unknown,
  timeoutMs?: number,
): Promise<never> {
  if (!(err instanceof InterruptedApply)) throw err;
  const lost = `${err.message} during apply`;
  let conn;
  try {
    conn = await transport.connect(host);
    const result = await conn.runScript(cancelScript(err.window), { timeoutMs });
    const outcome = interpretRevert(host.name, result.stdout, result.stderr, result.code);
    const reverted = outcome.found === "window";
    const how = reverted
      ? `reconnected and reverted window ${err.window} there: nothing left changed`
      : "reconnected: the apply had not begun there, and now never will";
    throw Object.assign(new HostError(err.kind, host.name, `${lost}; ${how}`, { cause: err }), {
      cancel: reverted ? "reverted" : "prevented",
    });
  } catch (undo) {
    if (undo instanceof HostError && undo.cause === err) throw undo;
    const why = undo instanceof Error ? undo.message : String(undo);
    throw Object.assign(
      new HostError(
        err.kind,
        host.name,
        `${lost}; could not undo it (${why}): the host reverts window ${err.window} by itself at expiry`,
        { cause: err },
      ),
      { cancel: "failed" },
    );
  } finally {
    conn?.close();
  }
}
