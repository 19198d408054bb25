// pcapng blocks (draft-ietf-opsawg-pcapng): a section header sets the byte order, interface
// descriptions give each packet's link type and time resolution, packet blocks carry the packets.
import { CaptureFormatError, type CapturedPacket } from "./captured.js";

const SHB = 0x0a0d0d0a;
const IDB = 0x00000001;
const PB = 0x00000002; // obsolete Packet Block, still read by Wireshark
const SPB = 0x00000003;
const EPB = 0x00000006;
const BYTE_ORDER_MAGIC = 0x1a2b3c4d;
const OPT_END = 0;
const IF_TSRESOL = 9;
const IF_TSOFFSET = 14;
const MAX_BLOCK = 1 << 26;

interface Interface {
  linkType: number;
  snapLen: number;
  /** Timestamp units per second: 10^n or 2^n (if_tsresol; default 10^6). */
  unitsPerSecond: bigint;
  digits: number;
  offsetSeconds: number;
}

/** What the blocks read so far say about the ones to come. */
export class PcapngState {
  littleEndian = true;
  inSection = false;
  interfaces: Interface[] = [];
}

function readInterface(view: DataView, body: number, end: number, le: boolean): Interface {
  const iface: Interface = {
    linkType: view.getUint16(body, le),
    snapLen: view.getUint32(body + 4, le),
    unitsPerSecond: 1_000_000n,
    digits: 6,
    offsetSeconds: 0,
  };
  for (let at = body + 8; at + 4 <= end;) {
    const code = view.getUint16(at, le);
    const length = view.getUint16(at + 2, le);
    if (code === OPT_END || at + 4 + length > end) break;
    if (code === IF_TSRESOL && length >= 1) {
      const r = view.getUint8(at + 4);
      // High bit clear: 10^-r seconds; set: 2^-(r & 0x7f).
      const exponent = BigInt(r & 0x7f);
      iface.unitsPerSecond = r & 0x80 ? 1n << exponent : 10n ** exponent;
      iface.digits = r & 0x80 ? Math.min(9, Math.ceil((r & 0x7f) * Math.log10(2))) : Math.min(9, r);
    } else if (code === IF_TSOFFSET && length >= 8) {
      iface.offsetSeconds = Number(view.getBigInt64(at + 4, le));
    }
    at += 4 + ((length + 3) & ~3);
  }
  return iface;
}

function packet(
  iface: Interface,
  interfaceId: number,
  high: number | null,
  low: number,
  data: Uint8Array,
  origLen: number,
  littleEndian: boolean,
): CapturedPacket {
  let seconds: number | null = null;
  let nanoseconds: number | null = null;
  let time: number | null = null;
  if (high !== null) {
    const units = (BigInt(high) << 32n) | BigInt(low);
    seconds = Number(units / iface.unitsPerSecond) + iface.offsetSeconds;
    nanoseconds = Number(((units % iface.unitsPerSecond) * 1_000_000_000n) / iface.unitsPerSecond);
    time = seconds * 1000 + nanoseconds / 1e6;
  }
  return {
    time,
    linkType: iface.linkType,
    data,
    origLen,
    interfaceId,
    seconds,
    nanoseconds,
    resolutionDigits: iface.digits,
    littleEndian,
  };
}

/** Reads the complete blocks at the start of `buf` into `out`; returns the bytes they take. */
export function readPcapngBlocks(
  buf: Uint8Array,
  state: PcapngState,
  base: number,
  out: CapturedPacket[],
): number {
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  let at = 0;
  while (at + 12 <= buf.length) {
    const type = view.getUint32(at, state.littleEndian);
    if (type === SHB) {
      // The section's byte order is that of its byte-order magic.
      const magic = view.getUint32(at + 8, true);
      if (magic === BYTE_ORDER_MAGIC) state.littleEndian = true;
      else if (magic === 0x4d3c2b1a) state.littleEndian = false;
      else
        throw new CaptureFormatError(
          `pcapng section header at byte ${base + at} without a byte-order magic`,
          base + at,
        );
    } else if (!state.inSection) {
      throw new CaptureFormatError(`pcapng block before any section header at byte ${base + at}`, base + at);
    }
    const le = state.littleEndian;
    const length = view.getUint32(at + 4, le);
    if (length < 12 || length % 4 !== 0 || length > MAX_BLOCK)
      throw new CaptureFormatError(`damaged pcapng block at byte ${base + at} (length ${length})`, base + at);
    if (at + length > buf.length) break;
    if (view.getUint32(at + length - 4, le) !== length)
      throw new CaptureFormatError(
        `damaged pcapng block at byte ${base + at} (trailing length differs)`,
        base + at,
      );
    const body = at + 8;
    const end = at + length - 4;
    if (type === SHB) {
      state.inSection = true;
      state.interfaces = [];
    } else if (type === IDB) state.interfaces.push(readInterface(view, body, end, le));
    else if (type === EPB || type === PB) {
      const id = type === EPB ? view.getUint32(body, le) : view.getUint16(body, le);
      const iface = state.interfaces[id];
      if (!iface)
        throw new CaptureFormatError(
          `pcapng packet at byte ${base + at} names interface ${id}, not described`,
          base + at,
        );
      const captured = view.getUint32(body + 12, le);
      if (body + 20 + captured > end)
        throw new CaptureFormatError(`pcapng packet at byte ${base + at} longer than its block`, base + at);
      const data = buf.slice(body + 20, body + 20 + captured);
      out.push(
        packet(
          iface,
          id,
          view.getUint32(body + 4, le),
          view.getUint32(body + 8, le),
          data,
          view.getUint32(body + 16, le),
          le,
        ),
      );
    } else if (type === SPB) {
      const iface = state.interfaces[0];
      if (!iface)
        throw new CaptureFormatError(
          `pcapng simple packet at byte ${base + at} before any interface`,
          base + at,
        );
      const origLen = view.getUint32(body, le);
      // Captured length is not stored: the smaller of the original length, the snaplen and the block.
      const captured = Math.min(origLen, iface.snapLen || origLen, end - body - 4);
      out.push(packet(iface, 0, null, 0, buf.slice(body + 4, body + 4 + captured), origLen, le));
    }
    at += length;
  }
  return at;
}
