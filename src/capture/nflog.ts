// DLT_NFLOG (link type 239): what nfnetlink_log sent for one packet, as libpcap saves it. A 4-byte
// header (family, version, resource id = the NFLOG group, big-endian), then TLVs whose length and
// type are in the capturing host's byte order and whose values are the netlink attributes'
// (network order). Each TLV is padded to 4 bytes. (linux/netfilter/nfnetlink_log.h, pcap-common.c)
export const LINKTYPE_NFLOG = 239;

const NFULA_PACKET_HDR = 1;
const NFULA_MARK = 2;
const NFULA_TIMESTAMP = 3;
const NFULA_IFINDEX_INDEV = 4;
const NFULA_IFINDEX_OUTDEV = 5;
const NFULA_IFINDEX_PHYSINDEV = 6;
const NFULA_IFINDEX_PHYSOUTDEV = 7;
const NFULA_HWADDR = 8;
const NFULA_PAYLOAD = 9;
const NFULA_PREFIX = 10;
const NFULA_UID = 11;
const NFULA_SEQ = 12;
const NFULA_SEQ_GLOBAL = 13;
const NFULA_GID = 14;
const NFULA_HWTYPE = 15;
const NFULA_HWHEADER = 16;
const NFULA_HWLEN = 17;

export interface NflogPacket {
  /** Address family: 2 IPv4, 10 IPv6 (7 bridge, 3 ARP). */
  family: number;
  version: number;
  /** NFLOG group (resource id). */
  group: number;
  /** Link-layer protocol (EtherType) and netfilter hook number, from NFULA_PACKET_HDR. */
  hwProtocol: number | null;
  hook: number | null;
  prefix: string | null;
  mark: number | null;
  /** NFULA_TIMESTAMP: the packet's receive time, when the skb had one (not on locally sent packets). */
  timestamp: { seconds: number; microseconds: number } | null;
  indev: number | null;
  outdev: number | null;
  physindev: number | null;
  physoutdev: number | null;
  uid: number | null;
  gid: number | null;
  seq: number | null;
  seqGlobal: number | null;
  hwType: number | null;
  /** Link-layer source address (NFULA_HWADDR), hwAddrLen bytes. */
  hwAddr: Uint8Array | null;
  /** The link-layer header as received (NFULA_HWHEADER): what the kernel prints as MAC=. */
  hwHeader: Uint8Array | null;
  /** The network-layer packet (NFULA_PAYLOAD), as much as the copy range allowed. */
  payload: Uint8Array | null;
  /** The TLVs end in the middle of one (a capture cut by its snaplen). */
  truncated: boolean;
}

export class NflogFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "NflogFormatError";
  }
}

/**
 * Decode one DLT_NFLOG packet. `littleEndian` is the byte order of the capture file's section,
 * which libpcap writes in the capturing host's order, TLV headers included.
 */
export function decodeNflog(data: Uint8Array, littleEndian = true): NflogPacket {
  if (data.length < 4)
    throw new NflogFormatError(`NFLOG packet of ${data.length} bytes, shorter than its header`);
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const p: NflogPacket = {
    family: data[0],
    version: data[1],
    group: view.getUint16(2, false),
    hwProtocol: null,
    hook: null,
    prefix: null,
    mark: null,
    timestamp: null,
    indev: null,
    outdev: null,
    physindev: null,
    physoutdev: null,
    uid: null,
    gid: null,
    seq: null,
    seqGlobal: null,
    hwType: null,
    hwAddr: null,
    hwHeader: null,
    payload: null,
    truncated: false,
  };
  let at = 4;
  while (at + 4 <= data.length) {
    const length = view.getUint16(at, littleEndian);
    // The top bits of the type are netlink's NLA_F_NESTED / NLA_F_NET_BYTEORDER.
    const type = view.getUint16(at + 2, littleEndian) & 0x3fff;
    if (length < 4) throw new NflogFormatError(`NFLOG TLV at byte ${at} with length ${length}`);
    if (at + length > data.length) {
      p.truncated = true;
      // The payload is the one TLV worth having in part (a snaplen cut it).
      if (type === NFULA_PAYLOAD) p.payload = data.subarray(at + 4);
      break;
    }
    const v = at + 4;
    const size = length - 4;
    const u32 = () => (size >= 4 ? view.getUint32(v, false) : null);
    switch (type) {
      case NFULA_PACKET_HDR:
        if (size >= 3) {
          p.hwProtocol = view.getUint16(v, false);
          p.hook = data[v + 2];
        }
        break;
      case NFULA_MARK:
        p.mark = u32();
        break;
      case NFULA_TIMESTAMP:
        if (size >= 16)
          p.timestamp = {
            seconds: Number(view.getBigUint64(v, false)),
            microseconds: Number(view.getBigUint64(v + 8, false)),
          };
        break;
      case NFULA_IFINDEX_INDEV:
        p.indev = u32();
        break;
      case NFULA_IFINDEX_OUTDEV:
        p.outdev = u32();
        break;
      case NFULA_IFINDEX_PHYSINDEV:
        p.physindev = u32();
        break;
      case NFULA_IFINDEX_PHYSOUTDEV:
        p.physoutdev = u32();
        break;
      case NFULA_HWADDR:
        if (size >= 4) {
          const n = Math.min(view.getUint16(v, false), size - 4);
          p.hwAddr = data.subarray(v + 4, v + 4 + n);
        }
        break;
      case NFULA_PAYLOAD:
        p.payload = data.subarray(v, v + size);
        break;
      case NFULA_PREFIX: {
        const nul = data.indexOf(0, v);
        p.prefix = new TextDecoder().decode(data.subarray(v, nul >= v && nul < v + size ? nul : v + size));
        break;
      }
      case NFULA_UID:
        p.uid = u32();
        break;
      case NFULA_GID:
        p.gid = u32();
        break;
      case NFULA_SEQ:
        p.seq = u32();
        break;
      case NFULA_SEQ_GLOBAL:
        p.seqGlobal = u32();
        break;
      case NFULA_HWTYPE:
        if (size >= 2) p.hwType = view.getUint16(v, false);
        break;
      case NFULA_HWHEADER:
        p.hwHeader = data.subarray(v, v + size);
        break;
      case NFULA_HWLEN:
        // The header's length is the HWHEADER TLV's own.
        break;
      default:
        // NFULA_CT, NFULA_CT_INFO, NFULA_VLAN, NFULA_L2HDR: not part of a record.
        break;
    }
    at += (length + 3) & ~3;
  }
  if (at < data.length && !p.truncated) p.truncated = true;
  return p;
}
