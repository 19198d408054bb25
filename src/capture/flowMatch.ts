// What links a flow capture (a runbook's capture step: tcpdump on an interface with a BPF filter)
// to the INVALID records: the connections both name. A connection is its protocol and its two
// endpoints in either direction, spelled as the records spell them (addresses as the kernel prints
// them, protocol names such as "TCP"), so a record from the kernel log and a packet of the flow
// meet on the same key.
import { emptyPacketFields } from "../logs/packet-dump.js";
import type { LogRecord } from "../logs/record.js";
import { decodeIpPacket } from "./ip-packet.js";
import { CaptureReader } from "./pcap.js";

// Link types tcpdump writes for interfaces (pcap-linktype(7)).
const LINKTYPE_ETHERNET = 1;
const LINKTYPE_RAW = 101;
const LINKTYPE_LINUX_SLL = 113;
const LINKTYPE_IPV4 = 228;
const LINKTYPE_IPV6 = 229;
const LINKTYPE_LINUX_SLL2 = 276;
const ETHERTYPE_IPV4 = 0x0800;
const ETHERTYPE_IPV6 = 0x86dd;
const ETHERTYPE_VLAN = [0x8100, 0x88a8];

/** A connection's key, the same whichever way the packet went; null without addresses. */
export function connectionKey(
  proto: string | null,
  src: string | null,
  sport: number | null,
  dst: string | null,
  dport: number | null,
): string | null {
  if (!proto || !src || !dst) return null;
  const a = `${src}#${sport ?? ""}`;
  const b = `${dst}#${dport ?? ""}`;
  return a < b ? `${proto} ${a} ${b}` : `${proto} ${b} ${a}`;
}

export function recordConnection(
  r: Pick<LogRecord, "proto" | "src" | "sport" | "dst" | "dport">,
): string | null {
  return connectionKey(r.proto, r.src, r.sport, r.dst, r.dport);
}

/** The IP packet inside a frame of `linkType`; null for a frame that carries none. */
export function ipPayload(linkType: number, frame: Uint8Array): Uint8Array | null {
  let at: number;
  let type: number;
  const u16 = (i: number) => (frame[i] << 8) | frame[i + 1];
  switch (linkType) {
    case LINKTYPE_RAW:
    case LINKTYPE_IPV4:
    case LINKTYPE_IPV6:
      return frame;
    case LINKTYPE_ETHERNET:
      if (frame.length < 14) return null;
      at = 14;
      type = u16(12);
      while (ETHERTYPE_VLAN.includes(type) && frame.length >= at + 4) {
        type = u16(at + 2);
        at += 4;
      }
      break;
    case LINKTYPE_LINUX_SLL:
      if (frame.length < 16) return null;
      at = 16;
      type = u16(14);
      break;
    case LINKTYPE_LINUX_SLL2:
      if (frame.length < 20) return null;
      at = 20;
      type = u16(0);
      break;
    default:
      return null;
  }
  return type === ETHERTYPE_IPV4 || type === ETHERTYPE_IPV6 ? frame.subarray(at) : null;
}

export interface FlowConnections {
  packets: number;
  /** Packets of each connection in the capture. */
  connections: Map<string, number>;
}

/** The connections of a flow capture's packets (a pcap or pcapng, whole or cut short). */
export function flowConnections(buf: Uint8Array): FlowConnections {
  const reader = new CaptureReader();
  const out: FlowConnections = { packets: 0, connections: new Map() };
  for (const packet of reader.push(buf)) {
    out.packets++;
    const ip = ipPayload(packet.linkType, packet.data);
    if (!ip || ip.length === 0) continue;
    const p = emptyPacketFields();
    decodeIpPacket(ip, p);
    const key = connectionKey(p.proto, p.src, p.sport, p.dst, p.dport);
    if (key) out.connections.set(key, (out.connections.get(key) ?? 0) + 1);
  }
  return out;
}

/**
 * The connections of each host's INVALID records, counted as collect delivers them. Bounded: past
 * MAX_CONNECTIONS distinct ones per host, further connections are counted as records only.
 */
export class InvalidConnections {
  static readonly MAX_CONNECTIONS = 100_000;
  private readonly perHost = new Map<string, { records: number; connections: Map<string, number> }>();

  add(record: Pick<LogRecord, "host" | "kind" | "proto" | "src" | "sport" | "dst" | "dport">): void {
    if (record.kind !== "invalid") return;
    const key = recordConnection(record);
    if (!key) return;
    let host = this.perHost.get(record.host);
    if (!host) this.perHost.set(record.host, (host = { records: 0, connections: new Map() }));
    host.records++;
    const n = host.connections.get(key);
    if (n !== undefined) host.connections.set(key, n + 1);
    else if (host.connections.size < InvalidConnections.MAX_CONNECTIONS) host.connections.set(key, 1);
  }

  /** The host's INVALID records with a connection, and those whose connection `flow` holds. */
  matched(host: string, flow: ReadonlyMap<string, number> | undefined): { invalid: number; inFlow: number } {
    const h = this.perHost.get(host);
    if (!h) return { invalid: 0, inFlow: 0 };
    let inFlow = 0;
    if (flow) for (const [key, n] of h.connections) if (flow.has(key)) inFlow += n;
    return { invalid: h.records, inFlow };
  }
}
