// How much of a pcap file's bytes are whole: a file tcpdump is still writing may end inside a
// record. pcap (not pcapng, which tcpdump -w does not write): a 24-byte header whose magic says the
// byte order (a1b2c3d4, or a1b23c4d with nanoseconds), then records of a 16-byte header (incl_len
// at offset 8) and incl_len bytes.
import { PCAP_HEADER_BYTES, PCAP_RECORD_HEADER_BYTES } from "../kinds/capture/bounds.js";

const MAGICS = [0xa1b2c3d4, 0xa1b23c4d];

/** The whole records of `buf` (a pcap from its start): their count, and the bytes up to their end. */
export function wholePcapRecords(buf: Uint8Array): { bytes: number; records: number } {
  if (buf.length < PCAP_HEADER_BYTES) return { bytes: 0, records: 0 };
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const little = MAGICS.includes(view.getUint32(0, true));
  if (!little && !MAGICS.includes(view.getUint32(0, false))) return { bytes: 0, records: 0 };
  let at = PCAP_HEADER_BYTES;
  let records = 0;
  while (at + PCAP_RECORD_HEADER_BYTES <= buf.length) {
    const end = at + PCAP_RECORD_HEADER_BYTES + view.getUint32(at + 8, little);
    if (end > buf.length) break;
    at = end;
    records++;
  }
  return { bytes: at, records };
}

/** Bytes of `buf` (a pcap from its start) that are its header and whole records; 0 when not a pcap. */
export function wholePcapBytes(buf: Uint8Array): number {
  return wholePcapRecords(buf).bytes;
}
