// How much one host may send for one script (stdout and stderr together). A host that answers
// with junk instead of running our script (a forced command, a broken shell, a hostile host) would
// otherwise have the controller buffer all of it: ten such hosts once took 860 MB and 92 s.
import { HostError } from "../errors.js";
import { formatSize, sizeArgument } from "../size.js";

/**
 * Scripts whose whole output is kept (facts, apply, revert, status, runbook exec steps). The
 * largest real ones are a few MB: facts of a kernel with every dynamic-debug site enabled.
 */
export const BUFFERED_OUTPUT_CAP = 16 * 1024 ** 2;

/**
 * Kernel log reads, streamed line by line (collect): memory does not grow with them, but a window
 * of many INVALID lines is legitimately large (64 MiB is some 100,000 journald entries).
 */
export const STREAMED_OUTPUT_CAP = 64 * 1024 ** 2;

/** The cap for one script: the user's, or the default for the way its output is read. */
export function outputCapFor(streamed: boolean, chosen?: number): number {
  return chosen ?? (streamed ? STREAMED_OUTPUT_CAP : BUFFERED_OUTPUT_CAP);
}

/** Counts the bytes a script sent; says so once they pass the cap. */
export class OutputCap {
  private received = 0;

  constructor(
    readonly limit: number,
    private readonly hostName: string,
  ) {}

  /** Counts `bytes` more; true while the total is within the cap. */
  take(bytes: number): boolean {
    this.received += bytes;
    return this.received <= this.limit;
  }

  exceeded(): HostError {
    return new HostError(
      "protocol",
      this.hostName,
      `${this.hostName}: the host sent more than ${formatSize(this.limit)} of output for one script and was cut off (the cap per script); if that much output is expected, raise the cap with --max-output SIZE (e.g. --max-output ${sizeArgument(this.limit * 4)})`,
    );
  }
}
