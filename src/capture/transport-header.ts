// The transport header after the IP headers → record fields, as nf_log_syslog prints them
// (nf_log_dump_tcp_header, nf_log_dump_udp_header, the ICMP/ICMPv6 cases). A header too short to
// decode gives `incomplete` = the bytes there are, like the kernel's "INCOMPLETE [n bytes]". SCTP
// and DCCP ports are decoded although the kernel prints only "PROTO=132"/"PROTO=33" for them.
import type { PacketFields } from "../logs/packet-dump.js";

const TCP = 6;
const UDP = 17;
const UDPLITE = 136;
const ICMP = 1;
const ICMPV6 = 58;
const DCCP = 33;
const SCTP = 132;
const AH = 51;
const ESP = 50;

// Bit (in the 16-bit word of data offset and flags) of each TCP flag, in the kernel's print order.
const TCP_FLAG_BITS: ReadonlyArray<readonly [string, number]> = [
  ["AE", 0x100],
  ["CWR", 0x80],
  ["ECE", 0x40],
  ["URG", 0x20],
  ["ACK", 0x10],
  ["PSH", 0x08],
  ["RST", 0x04],
  ["SYN", 0x02],
  ["FIN", 0x01],
];

// ICMP types whose message must be at least this long, else the kernel prints INCOMPLETE
// (required_len in dump_ipv4_packet): echo 4, errors 8 + an IP header, timestamp 20, address mask 12.
const ICMP_REQUIRED: Readonly<Record<number, number>> = {
  0: 4,
  3: 28,
  4: 28,
  5: 28,
  8: 4,
  11: 28,
  12: 28,
  13: 20,
  14: 20,
  17: 12,
  18: 12,
};
const ICMP_ERRORS = new Set([3, 4, 5, 11]);
const ICMPV6_ERRORS = new Set([1, 2, 3, 4]);

export interface Transport {
  /** The packet an ICMP error quotes, when there is one to decode. */
  quoted: Uint8Array | null;
}

const NONE: Transport = { quoted: null };

function u16(b: Uint8Array, at: number): number {
  return (b[at] << 8) | b[at + 1];
}

function u32(b: Uint8Array, at: number): number {
  return ((b[at] << 24) | (b[at + 1] << 16) | (b[at + 2] << 8) | b[at + 3]) >>> 0;
}

function hexUpper(b: Uint8Array): string {
  let s = "";
  for (const byte of b) s += byte.toString(16).toUpperCase().padStart(2, "0");
  return s;
}

export function decodeTransport(
  b: Uint8Array,
  protocol: number,
  ipv6: boolean,
  fragment: boolean,
  p: PacketFields,
): Transport {
  p.proto = protocolName(protocol);
  // A fragment after the first carries no transport header.
  if (fragment) return NONE;
  switch (protocol) {
    case TCP:
      return tcp(b, p);
    case UDP:
    case UDPLITE:
      if (b.length < 8) return incomplete(b, p);
      p.sport = u16(b, 0);
      p.dport = u16(b, 2);
      p.l4_len = u16(b, 4);
      return NONE;
    case ICMP:
      return ipv6 ? NONE : icmp(b, p);
    case ICMPV6:
      return ipv6 ? icmpv6(b, p) : NONE;
    case SCTP:
    case DCCP:
      if (b.length >= 4) {
        p.sport = u16(b, 0);
        p.dport = u16(b, 2);
      } else p.incomplete = b.length;
      return NONE;
    default:
      return NONE;
  }
}

function protocolName(protocol: number): string {
  switch (protocol) {
    case TCP:
      return "TCP";
    case UDP:
      return "UDP";
    case UDPLITE:
      return "UDPLITE";
    case ICMP:
      return "ICMP";
    case ICMPV6:
      return "ICMPv6";
    case AH:
      return "AH";
    case ESP:
      return "ESP";
    default:
      return String(protocol);
  }
}

function incomplete(b: Uint8Array, p: PacketFields): Transport {
  p.incomplete = b.length;
  return NONE;
}

function tcp(b: Uint8Array, p: PacketFields): Transport {
  if (b.length < 20) return incomplete(b, p);
  p.sport = u16(b, 0);
  p.dport = u16(b, 2);
  p.seq = u32(b, 4);
  p.ack = u32(b, 8);
  p.tcp_window = u16(b, 14);
  const word = u16(b, 12);
  p.flags = TCP_FLAG_BITS.filter(([, bit]) => word & bit).map(([name]) => name);
  const optionBytes = (b[12] >> 4) * 4 - 20;
  if (optionBytes > 0) {
    if (20 + optionBytes > b.length) p.truncated = true;
    else p.tcp_opt = hexUpper(b.subarray(20, 20 + optionBytes));
  }
  return NONE;
}

function icmp(b: Uint8Array, p: PacketFields): Transport {
  if (b.length < 8) return incomplete(b, p);
  const type = b[0];
  p.icmp_type = type;
  p.icmp_code = b[1];
  const required = ICMP_REQUIRED[type];
  if (required !== undefined && b.length < required) return incomplete(b, p);
  if (type === 0 || type === 8) p.icmp = { id: u16(b, 4), seq: u16(b, 6) };
  else if (type === 12) p.icmp = { parameter: b[4] };
  else if (type === 5) p.icmp = { gateway: `${b[4]}.${b[5]}.${b[6]}.${b[7]}` };
  if (type === 3 && b[1] === 4) p.icmp = { ...p.icmp, mtu: u16(b, 6) };
  return ICMP_ERRORS.has(type) || type === 5 ? { quoted: b.subarray(8) } : NONE;
}

function icmpv6(b: Uint8Array, p: PacketFields): Transport {
  if (b.length < 8) return incomplete(b, p);
  const type = b[0];
  p.icmp_type = type;
  p.icmp_code = b[1];
  if (type === 128 || type === 129) p.icmp = { id: u16(b, 4), seq: u16(b, 6) };
  else if (type === 4) p.icmp = { pointer: u32(b, 4) };
  else if (type === 2) p.icmp = { mtu: u32(b, 4) };
  return ICMPV6_ERRORS.has(type) ? { quoted: b.subarray(8) } : NONE;
}
