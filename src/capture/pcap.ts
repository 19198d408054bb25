// Capture files as tcpdump and dumpcap write them: pcap (either byte order, µs or ns magic) and
// pcapng (SHB, IDB with if_tsresol/if_tsoffset, EPB, SPB, the obsolete PB; other blocks skipped).
// A CaptureReader takes the bytes in pieces, so a file being written, fetched incrementally or
// streamed by `nfdebug parse` is read in bounded memory; readCapture is the one-buffer form.
import { CaptureFormatError, type CapturedPacket } from "./captured.js";
import { PcapngState, readPcapngBlocks } from "./pcapng.js";

export { CaptureFormatError, type CapturedPacket } from "./captured.js";

export type CaptureFormat = "pcap" | "pcapng";

export interface CaptureRead {
  format: CaptureFormat;
  packets: CapturedPacket[];
  /** Bytes of complete records/blocks (header included): where the complete part of the file ends. */
  consumed: number;
  /** The bytes end inside a header, record or block. */
  truncated: boolean;
}

const PCAP_USEC = 0xa1b2c3d4;
const PCAP_NSEC = 0xa1b23c4d;
const PCAPNG_SHB = 0x0a0d0d0a;
const PCAP_HEADER = 24;
const RECORD_HEADER = 16;
// Bigger than any snaplen tcpdump writes (262144): a larger record length means a damaged file.
const MAX_RECORD = 1 << 26;

function swap32(v: number): number {
  return (((v & 0xff) << 24) | ((v & 0xff00) << 8) | ((v >>> 8) & 0xff00) | (v >>> 24)) >>> 0;
}

/** The format a file's first four bytes announce, or null. */
function formatOf(head: Uint8Array): CaptureFormat | null {
  if (head.length < 4) return null;
  const v = new DataView(head.buffer, head.byteOffset, 4).getUint32(0, false);
  if (v === PCAPNG_SHB) return "pcapng";
  if (v === PCAP_USEC || v === PCAP_NSEC || swap32(v) === PCAP_USEC || swap32(v) === PCAP_NSEC) return "pcap";
  return null;
}

/** Does this start like a pcap or pcapng file (magic number only)? */
export function isCapture(head: Uint8Array): boolean {
  return formatOf(head) !== null;
}

interface PcapState {
  littleEndian: boolean;
  nano: boolean;
  linkType: number;
}

/** Reads a capture given in consecutive pieces; keeps only the bytes of an incomplete record. */
export class CaptureReader {
  format: CaptureFormat | null = null;
  /** Bytes of complete records/blocks so far, from the start of the file. */
  consumed = 0;
  private pending: Uint8Array = new Uint8Array(0);
  private pcap: PcapState | null = null;
  private readonly pcapng = new PcapngState();

  /** The packets completed by `chunk`. Throws CaptureFormatError on what is not a capture. */
  push(chunk: Uint8Array): CapturedPacket[] {
    const buf = this.pending.length === 0 ? chunk : concat(this.pending, chunk);
    if (this.format === null) {
      if (buf.length < 4) {
        this.pending = buf;
        return [];
      }
      this.format = formatOf(buf);
      if (this.format === null)
        throw new CaptureFormatError("not a pcap or pcapng file (unknown magic number)", 0);
    }
    const packets: CapturedPacket[] = [];
    const used =
      this.format === "pcap"
        ? this.readPcap(buf, packets)
        : readPcapngBlocks(buf, this.pcapng, this.consumed, packets);
    this.consumed += used;
    // A copy, so that the caller's chunk is not kept alive by a view of its tail.
    this.pending = used === buf.length ? new Uint8Array(0) : buf.slice(used);
    return packets;
  }

  /** Bytes received after the last complete record or block. */
  get truncated(): boolean {
    return this.pending.length > 0 || this.format === null;
  }

  private readPcap(buf: Uint8Array, out: CapturedPacket[]): number {
    const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    let at = 0;
    if (this.pcap === null) {
      if (buf.length < PCAP_HEADER) return 0;
      const magic = view.getUint32(0, true);
      const littleEndian = magic === PCAP_USEC || magic === PCAP_NSEC;
      const native = littleEndian ? magic : swap32(magic);
      // The upper bits of the link-type field carry FCS information (pcap spec, LinkType and additional information).
      this.pcap = {
        littleEndian,
        nano: native === PCAP_NSEC,
        linkType: view.getUint32(20, littleEndian) & 0x0fffffff,
      };
      at = PCAP_HEADER;
    }
    const { littleEndian, nano, linkType } = this.pcap;
    while (at + RECORD_HEADER <= buf.length) {
      const seconds = view.getUint32(at, littleEndian);
      const fraction = view.getUint32(at + 4, littleEndian);
      const inclLen = view.getUint32(at + 8, littleEndian);
      const origLen = view.getUint32(at + 12, littleEndian);
      if (inclLen > MAX_RECORD || fraction >= (nano ? 1e9 : 1e6))
        throw new CaptureFormatError(
          `damaged pcap record at byte ${this.consumed + at} (length ${inclLen}, fraction ${fraction})`,
          this.consumed + at,
        );
      if (at + RECORD_HEADER + inclLen > buf.length) break;
      const nanoseconds = nano ? fraction : fraction * 1000;
      out.push({
        time: seconds * 1000 + nanoseconds / 1e6,
        linkType,
        data: buf.slice(at + RECORD_HEADER, at + RECORD_HEADER + inclLen),
        origLen,
        interfaceId: 0,
        seconds,
        nanoseconds,
        resolutionDigits: nano ? 9 : 6,
        littleEndian,
      });
      at += RECORD_HEADER + inclLen;
    }
    return at;
  }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}

/**
 * Every complete packet of a capture in one buffer. A buffer cut in a record or block (a file still
 * being written, or truncated) yields the complete ones; `consumed` says where they end.
 */
export function readCapture(buf: Uint8Array): CaptureRead {
  const reader = new CaptureReader();
  const packets = reader.push(buf);
  if (reader.format === null)
    throw new CaptureFormatError("not a pcap or pcapng file (shorter than a magic number)", 0);
  return { format: reader.format, packets, consumed: reader.consumed, truncated: reader.truncated };
}
