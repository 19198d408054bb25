// An IPv4 or IPv6 packet's bytes → the record fields nf_log_syslog would print for it
// (net/netfilter/nf_log_syslog.c: dump_ipv4_packet, dump_ipv6_packet), so that a record from a
// capture equals the record from the kernel's log line of the same packet: the same masking (TOS),
// units (IPv4 FRAG in 8-byte units, IPv6 in bytes), address spelling (IPv6 in full form) and
// "INCOMPLETE [n bytes]" / TRUNCATED where the kernel gives up.
import { emptyPacketFields, innerPacketOf, type PacketFields } from "../logs/packet-dump.js";
import { decodeTransport } from "./transport-header.js";

const IPTOS_TOS_MASK = 0x1e;
const NEXTHDR_HOP = 0;
const NEXTHDR_ROUTING = 43;
const NEXTHDR_FRAGMENT = 44;
const NEXTHDR_ESP = 50;
const NEXTHDR_AUTH = 51;
const NEXTHDR_DEST = 60;

export function ipv4Address(b: Uint8Array, at: number): string {
  return `${b[at]}.${b[at + 1]}.${b[at + 2]}.${b[at + 3]}`;
}

/** IPv6 as the kernel's %pI6 prints it: eight groups of four lower-case hex digits. */
export function ipv6Address(b: Uint8Array, at: number): string {
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2)
    groups.push(((b[at + i] << 8) | b[at + i + 1]).toString(16).padStart(4, "0"));
  return groups.join(":");
}

/**
 * Decode an IP packet into `p` (family from the version nibble). `quoted` is set for the packet an
 * ICMP error carries: the kernel decodes it once more, without recursing again.
 */
export function decodeIpPacket(b: Uint8Array, p: PacketFields, quoted = false): void {
  const version = b.length > 0 ? b[0] >> 4 : 0;
  if (version === 6) decodeIpv6(b, p, quoted);
  else decodeIpv4(b, p, quoted);
}

function decodeIpv4(b: Uint8Array, p: PacketFields, quoted: boolean): void {
  p.family = "ipv4";
  const ihl = (b[0] & 0x0f) * 4;
  if (b.length < 20 || ihl < 20) {
    p.truncated = true;
    return;
  }
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  p.src = ipv4Address(b, 12);
  p.dst = ipv4Address(b, 16);
  p.len = view.getUint16(2, false);
  p.tos = b[1] & IPTOS_TOS_MASK;
  p.ttl = b[8];
  p.ip_id = view.getUint16(4, false);
  const fragOff = view.getUint16(6, false);
  const flags: string[] = [];
  if (fragOff & 0x8000) flags.push("CE");
  if (fragOff & 0x4000) flags.push("DF");
  if (fragOff & 0x2000) flags.push("MF");
  p.ip_flags = flags;
  const offset = fragOff & 0x1fff;
  if (offset !== 0) p.frag = offset;
  transport(b, Math.min(ihl, b.length), b[9], offset !== 0, p, quoted);
}

function decodeIpv6(b: Uint8Array, p: PacketFields, quoted: boolean): void {
  p.family = "ipv6";
  if (b.length < 40) {
    p.truncated = true;
    return;
  }
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  p.src = ipv6Address(b, 8);
  p.dst = ipv6Address(b, 24);
  p.len = view.getUint16(4, false) + 40;
  p.tos = (view.getUint32(0, false) >>> 20) & 0xff;
  p.ttl = b[7];
  let next = b[6];
  let at = 40;
  let fragment = false;
  // Extension headers, as the kernel walks them before the transport header.
  for (;;) {
    if (next === NEXTHDR_HOP || next === NEXTHDR_ROUTING || next === NEXTHDR_DEST || next === NEXTHDR_AUTH) {
      if (at + 2 > b.length) {
        p.truncated = true;
        return;
      }
      const size = next === NEXTHDR_AUTH ? (b[at + 1] + 2) * 4 : (b[at + 1] + 1) * 8;
      next = b[at];
      at += size;
    } else if (next === NEXTHDR_FRAGMENT) {
      if (at + 8 > b.length) {
        p.truncated = true;
        return;
      }
      const fragOff = view.getUint16(at + 2, false);
      p.frag = fragOff & 0xfff8;
      if (fragOff & 1) p.ip_flags = [...p.ip_flags, "MF"];
      p.ip_id = view.getUint32(at + 4, false);
      fragment = p.frag !== 0;
      next = b[at];
      at += 8;
    } else if (next === NEXTHDR_ESP) {
      p.proto = "ESP";
      return;
    } else break;
  }
  transport(b, at, next, fragment, p, quoted);
}

function transport(
  b: Uint8Array,
  at: number,
  protocol: number,
  fragment: boolean,
  p: PacketFields,
  quoted: boolean,
): void {
  const t = decodeTransport(b.subarray(Math.min(at, b.length)), protocol, p.family === "ipv6", fragment, p);
  // The packet an ICMP error quotes, decoded once (never for a packet that is itself quoted).
  if (t.quoted !== null && !quoted) {
    const inner = emptyPacketFields();
    decodeIpPacket(t.quoted, inner, true);
    p.inner = innerPacketOf(inner);
  }
}
