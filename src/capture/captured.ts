// A packet as a capture file holds it, and the error for a file that is not a capture.
import { InputError } from "../errors.js";

export interface CapturedPacket {
  /** Epoch milliseconds (float); null when the block has no time (pcapng SPB). */
  time: number | null;
  linkType: number;
  data: Uint8Array;
  origLen: number;
  interfaceId: number;
  /** Whole epoch seconds and the nanoseconds after them: `time` loses precision below ~0.25 µs. */
  seconds: number | null;
  nanoseconds: number | null;
  /** Digits of a second the file resolves (6 for µs, 9 for ns): how many an ISO time should show. */
  resolutionDigits: number;
  /** Byte order of the file's section: DLT_NFLOG's TLV headers are in the capturing host's order. */
  littleEndian: boolean;
}

/** A capture that is not one, or is damaged beyond a cut-off end. */
export class CaptureFormatError extends InputError {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
    this.name = "CaptureFormatError";
  }
}
