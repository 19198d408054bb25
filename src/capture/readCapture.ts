// The one place collect turns a host's pcap bytes into records: the NFLOG reader
// (src/capture/records.ts, captureRecords, on branch wip-pcap) plugs in here. Until it is merged,
// the bytes are still fetched, cut at the last whole record and kept as pcap/<host>.pcap, and no
// records are made from them.
import type { LogRecord } from "../logs/record.js";
import { wholePcapBytes } from "./pcapBytes.js";

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
  _host: string,
  _opts: { ifnames?: ReadonlyMap<number, string> } = {},
): CaptureReading {
  const consumed = wholePcapBytes(buf);
  return { records: [], consumed, truncated: consumed < buf.length };
}
