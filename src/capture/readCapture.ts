// The one place collect turns a host's pcap bytes into records: whole records only (a file still
// being written, or cut by a bound, ends inside one), each NFLOG packet a record of source "nflog"
// (records.ts). wholePcapBytes and the reader must agree on where the whole records end.
import type { LogRecord } from "../logs/record.js";
import { wholePcapBytes } from "./pcapBytes.js";
import { captureRecords } from "./records.js";

export interface CaptureReading {
  records: LogRecord[];
  /** Bytes of whole records (with the file header): where the next read starts. */
  consumed: number;
  /** The bytes end inside a record (a file still being written, or cut by a bound). */
  truncated: boolean;
}

/** `buf`: a pcap from its header on. `ifnames`: the host's interface names by index. */
export function readCapture(
  buf: Uint8Array,
  host: string,
  opts: { ifnames?: ReadonlyMap<number, string> } = {},
): CaptureReading {
  const consumed = wholePcapBytes(buf);
  const whole = buf.subarray(0, consumed);
  const { records } = captureRecords(whole, host, opts);
  return { records, consumed, truncated: consumed < buf.length };
}
