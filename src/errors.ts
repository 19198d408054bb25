// Typed errors. The CLI maps them to exit codes in one place (src/cli/exit.ts).
import type { Change } from "./kinds/change.js";

/** A problem located in a user's file, printed as FILE:LINE:COL: message. */
export interface Problem {
  file: string;
  line: number;
  col: number;
  message: string;
}

export function formatProblem(p: Problem): string {
  return `${p.file}:${p.line}:${p.col}: ${p.message}`;
}

/** Bad input (file, option, value): nothing was touched. Exit 1. */
export class InputError extends Error {
  readonly problems: Problem[];
  constructor(message: string, problems: Problem[] = []) {
    super(problems.length > 0 ? problems.map(formatProblem).join("\n") : message);
    this.name = "InputError";
    this.problems = problems;
  }
}

/** Why one host failed. Stable: these strings appear in --json output. */
export type HostErrorKind =
  | "unreachable"
  | "auth"
  | "hostkey"
  | "timeout"
  | "unsupported"
  | "drift"
  | "locked"
  | "become"
  | "remote"
  | "aborted"
  /** The host could not write its journal or window state (a full /run or /var/lib). */
  | "host-storage"
  /** The host's output broke the protocol (too large, unframed). */
  | "protocol"
  /** A bug in nfdebug while handling this host (exit 3). */
  | "internal";

/** One host failed; the others go on. The command exits 2. */
export class HostError extends Error {
  readonly kind: HostErrorKind;
  readonly host: string;
  /** What the host did change before it failed (a revert that could not restore everything). */
  changes?: Change[];
  /** An apply whose connection dropped: how cancelling its window on the host went (engine/cancel.ts). */
  cancel?: "reverted" | "prevented" | "failed";
  constructor(kind: HostErrorKind, host: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "HostError";
    this.kind = kind;
    this.host = host;
  }
}

/**
 * A host's answer is not what its script prints: incomplete, malformed, or a value that fails
 * the checks it must pass before it goes back into a script. The pure parsers that throw it do
 * not know the host; failedOutcome records it as that host's "protocol" failure, never as a bug.
 */
export class MalformedAnswer extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "MalformedAnswer";
  }
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
