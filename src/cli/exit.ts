// The one place where errors become exit codes and messages.
import { HostError, InputError, errorMessage } from "../errors.js";

export const EXIT = {
  /** Also when a window tripped its log budget: the host reverted it as designed, nothing failed. */
  ok: 0,
  /** Invalid input (file, option, value); nothing was touched. */
  input: 1,
  /** One or more hosts failed while the others completed. */
  hostsFailed: 2,
  /** A bug in nfdebug itself. */
  internal: 3,
  /** Interrupted by the user (SIGINT) after cleaning up. */
  interrupted: 130,
} as const;

/**
 * Raised by a command that completed but had failed hosts: the output is already printed.
 * `internal` of them failed by a bug in nfdebug (error kind internal): that is exit 3, not 2,
 * though every other host's result was printed.
 */
export class HostsFailed extends Error {
  constructor(
    readonly failed: number,
    readonly internal = 0,
  ) {
    super(`${failed} host(s) failed`);
  }

  /** From the error kinds of the failed hosts. */
  static of(kinds: Array<string | undefined>): HostsFailed {
    return new HostsFailed(kinds.length, kinds.filter((k) => k === "internal").length);
  }
}

/** Raised by a command that the user interrupted and that cleaned up: the output is already printed. */
export class Interrupted extends Error {
  constructor() {
    super("interrupted");
  }
}

export function exitCodeFor(err: unknown): number {
  if (err instanceof Interrupted) return EXIT.interrupted;
  if (err instanceof InputError) return EXIT.input;
  if (err instanceof HostsFailed) return err.internal > 0 ? EXIT.internal : EXIT.hostsFailed;
  if (err instanceof HostError) return EXIT.hostsFailed;
  if (isCommanderError(err)) return err.exitCode === 0 ? EXIT.ok : EXIT.input;
  return EXIT.internal;
}

function isCommanderError(err: unknown): err is { code: string; exitCode: number } {
  return (
    typeof err === "object" &&
    err !== null &&
    "code" in err &&
    String((err as { code: unknown }).code).startsWith("commander.")
  );
}

/** What to print on stderr for an error that reached the top. */
export function messageFor(err: unknown): string | undefined {
  if (err instanceof HostsFailed && err.internal > 0)
    return `${err.internal} host(s) failed by a bug in nfdebug (error kind internal): please report it, with that host's error message`;
  if (err instanceof HostsFailed || err instanceof Interrupted || isCommanderError(err)) return undefined;
  if (err instanceof InputError) return err.message;
  if (err instanceof HostError) return `${err.host}: ${err.kind}: ${err.message}`;
  return `internal error: ${errorMessage(err)}${err instanceof Error && err.stack ? `\n${err.stack}` : ""}`;
}
