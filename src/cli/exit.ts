// The one place where errors become exit codes and messages.
import { HostError, InputError, errorMessage } from "../errors.js";

export const EXIT = {
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

/** Raised by a command that completed but had failed hosts: the output is already printed. */
export class HostsFailed extends Error {
  constructor(readonly failed: number) {
    super(`${failed} host(s) failed`);
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
  if (err instanceof HostsFailed) return EXIT.hostsFailed;
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
  if (err instanceof HostsFailed || err instanceof Interrupted || isCommanderError(err)) return undefined;
  if (err instanceof InputError) return err.message;
  if (err instanceof HostError) return `${err.host}: ${err.kind}: ${err.message}`;
  return `internal error: ${errorMessage(err)}${err instanceof Error && err.stack ? `\n${err.stack}` : ""}`;
}
