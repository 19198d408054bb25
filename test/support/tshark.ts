// What tshark says about each packet of a capture: the reference the capture reader is checked
// against (test/unit/capture, test/integration/capture). tshark is in Debian (CI installs it, .ci/run); without it the tests that need it skip.
import { spawnSync } from "node:child_process";
import type { FullRecord } from "../../src/logs/parse.js";

export const TSHARK_MISSING: string | false =
  spawnSync("tshark", ["--version"], { stdio: "ignore" }).status === 0
    ? false
    : "tshark is not installed (apt-get install tshark): the captures cannot be checked against it";

/** Each packet's fields, every occurrence (outer and quoted headers) in order. */
export type TsharkPacket = Record<string, string[]>;

export function tsharkFields(file: string, fields: readonly string[]): TsharkPacket[] {
  // Fragments as they are, not reassembled: the kernel logs each one on its own.
  const args = [
    "-n",
    "-o",
    "ip.defragment:FALSE",
    "-o",
    "ipv6.defragment:FALSE",
    "-r",
    file,
    "-T",
    "fields",
    "-E",
    "separator=/t",
    "-E",
    "occurrence=a",
    "-E",
    "aggregator=|",
  ];
  for (const f of fields) args.push("-e", f);
  const run = spawnSync("tshark", args, { encoding: "utf8" });
  if (run.status !== 0) throw new Error(`tshark ${args.join(" ")}: ${run.stderr}`);
  return run.stdout
    .split("\n")
    .filter((l) => l !== "")
    .map((line) => {
      const values = line.split("\t");
      const packet: TsharkPacket = {};
      fields.forEach((f, i) => (packet[f] = values[i] ? values[i].split("|") : []));
      return packet;
    });
}

/** NFLOG TLVs that tshark shows only as nflog.tlv_value (the others have fields of their own). */
const VALUE_ONLY_TLVS = new Set([2, 8, 12, 13, 15, 16, 17, 18, 19, 20, 21]);

/** The raw value (hex) of each NFLOG TLV type tshark shows only as bytes. */
export function nflogTlvValues(p: TsharkPacket): Map<number, string> {
  const types = p["nflog.tlv_type"].map(Number).filter((t) => VALUE_ONLY_TLVS.has(t));
  const values = p["nflog.tlv_value"];
  return new Map(types.map((t, i) => [t, values[i]]));
}

/** The tshark fields expectedRecord reads. */
export const RECORD_FIELDS = [
  "frame.time_epoch",
  "frame.protocols",
  "nflog.prefix",
  "nflog.res_id",
  "nflog.family",
  "nflog.ifindex_indev",
  "nflog.ifindex_outdev",
  "nflog.uid",
  "nflog.gid",
  "nflog.tlv_type",
  "nflog.tlv_value",
  "ip.src",
  "ip.dst",
  "ip.len",
  "ip.dsfield",
  "ip.ttl",
  "ip.id",
  "ip.flags.rb",
  "ip.flags.df",
  "ip.flags.mf",
  "ip.frag_offset",
  "ip.proto",
  "ipv6.src",
  "ipv6.dst",
  "ipv6.plen",
  "ipv6.tclass",
  "ipv6.hlim",
  "ipv6.nxt",
  "ipv6.fraghdr.offset",
  "ipv6.fraghdr.more",
  "ipv6.fraghdr.ident",
  "ipv6.fraghdr.nxt",
  "tcp.srcport",
  "tcp.dstport",
  "tcp.seq_raw",
  "tcp.ack_raw",
  "tcp.window_size_value",
  "tcp.flags",
  "tcp.options",
  "udp.srcport",
  "udp.dstport",
  "udp.length",
  "udp.checksum_coverage",
  "sctp.srcport",
  "sctp.dstport",
  "dccp.srcport",
  "dccp.dstport",
  "icmp.type",
  "icmp.code",
  "icmp.ident",
  "icmp.seq",
  "icmpv6.type",
  "icmpv6.code",
  "icmpv6.echo.identifier",
  "icmpv6.echo.sequence_number",
] as const;

const LAYER_PROTOCOLS: Record<string, number> = {
  tcp: 6,
  udp: 17,
  udplite: 136,
  icmp: 1,
  icmpv6: 58,
  sctp: 132,
  dccp: 33,
  gre: 47,
};

/** The transport protocol: the layer tshark decoded after IP and its extension headers, else the header's number. */
function transportOf(p: TsharkPacket, v6: boolean): number | null {
  const layers = first(p, "frame.protocols").split(":");
  const ip = layers.indexOf(v6 ? "ipv6" : "ip");
  const next = layers.slice(ip + 1).find((l) => !l.startsWith("ipv6."));
  if (next !== undefined && next in LAYER_PROTOCOLS) return LAYER_PROTOCOLS[next];
  return v6 ? num(p["ipv6.fraghdr.nxt"][0] ?? p["ipv6.nxt"][0]) : num(first(p, "ip.proto"));
}

const PROTO_NAMES: Record<number, string> = { 6: "TCP", 17: "UDP", 136: "UDPLITE", 1: "ICMP", 58: "ICMPv6" };
const TCP_FLAGS: Array<[string, number]> = [
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

function expandIpv6(text: string): string {
  const [head, tail = ""] = text.split("::");
  const h = head ? head.split(":") : [];
  const t = tail ? tail.split(":") : [];
  const groups = text.includes("::") ? [...h, ...Array(8 - h.length - t.length).fill("0"), ...t] : h;
  return groups.map((g) => g.padStart(4, "0")).join(":");
}

const first = (p: TsharkPacket, f: string) => p[f][0];
const num = (v: string | undefined) => (v === undefined ? null : Number(v));
const bool = (v: string | undefined) => v === "1" || v === "True";

/**
 * The record fields tshark's decoding of one packet implies (the kernel's conventions applied):
 * ifindex 1 is named "lo", times have `digits` digits of a second.
 */
export function expectedRecord(p: TsharkPacket, digits: number): Partial<FullRecord> {
  const [s, f = ""] = first(p, "frame.time_epoch").split(".");
  const time = `${new Date(Number(s) * 1000).toISOString().slice(0, 19)}.${f.padEnd(9, "0").slice(0, digits)}Z`;
  const prefix = first(p, "nflog.prefix") ?? "";
  const tag = /^nf_ct_proto_(\d+): (.*)$/s.exec(prefix);
  const tlvs = nflogTlvValues(p);
  const mark = tlvs.get(2);
  const hwHeader = tlvs.get(16);
  const indev = num(first(p, "nflog.ifindex_indev"));
  const outdev = num(first(p, "nflog.ifindex_outdev"));
  const v6 = p["ipv6.src"].length > 0;
  const l4 = transportOf(p, v6);
  const icmp = l4 === 1 || l4 === 58;
  // An ICMP error's quoted header shows up as a second occurrence: the outer fields are the first.
  const ports = ["tcp", "udp", "sctp", "dccp"].map((x) => [
    num(p[`${x}.srcport`][0]),
    num(p[`${x}.dstport`][0]),
  ]);
  const [sport, dport] = icmp ? [null, null] : (ports.find(([a]) => a !== null) ?? [null, null]);
  const fragOffset = v6 ? num(first(p, "ipv6.fraghdr.offset")) : num(first(p, "ip.frag_offset"));
  const flagsWord = num(first(p, "tcp.flags"));
  const ipFlags = v6
    ? bool(first(p, "ipv6.fraghdr.more"))
      ? ["MF"]
      : []
    : [
        ["CE", "ip.flags.rb"],
        ["DF", "ip.flags.df"],
        ["MF", "ip.flags.mf"],
      ]
        .filter(([, k]) => bool(first(p, k)))
        .map(([n]) => n);
  const tcp =
    l4 === 6 && sport !== null && fragOffset !== null ? fragOffset === 0 : l4 === 6 && sport !== null;
  return {
    kind: "invalid",
    source: "nflog",
    time,
    l4proto: tag ? Number(tag[1]) : null,
    reason: tag ? tag[2].trim() : prefix.trim() || null,
    in: indev === null ? "" : indev === 1 ? "lo" : `ifindex:${indev}`,
    out: outdev === null ? "" : outdev === 1 ? "lo" : `ifindex:${outdev}`,
    mac: indev === null ? null : hwHeader ? (hwHeader.match(/../g) ?? []).join(":") : "",
    family: v6 ? "ipv6" : "ipv4",
    src: v6 ? expandIpv6(first(p, "ipv6.src")) : first(p, "ip.src"),
    dst: v6 ? expandIpv6(first(p, "ipv6.dst")) : first(p, "ip.dst"),
    len: v6 ? Number(first(p, "ipv6.plen")) + 40 : num(first(p, "ip.len")),
    tos: v6 ? Number(first(p, "ipv6.tclass")) : Number(first(p, "ip.dsfield")) & 0x1e,
    ttl: v6 ? num(first(p, "ipv6.hlim")) : num(first(p, "ip.ttl")),
    ip_id: v6 ? num(first(p, "ipv6.fraghdr.ident")) : num(first(p, "ip.id")),
    ip_flags: ipFlags,
    // The kernel prints IPv4 offsets in 8-byte units (as tshark) and IPv6 offsets in bytes.
    frag: fragOffset === null || (!v6 && fragOffset === 0) ? null : v6 ? fragOffset * 8 : fragOffset,
    proto: l4 === null ? null : (PROTO_NAMES[l4] ?? String(l4)),
    sport,
    dport,
    seq: tcp ? num(first(p, "tcp.seq_raw")) : null,
    ack: tcp ? num(first(p, "tcp.ack_raw")) : null,
    tcp_window: tcp ? num(first(p, "tcp.window_size_value")) : null,
    flags: tcp && flagsWord !== null ? TCP_FLAGS.filter(([, bit]) => flagsWord & bit).map(([n]) => n) : [],
    tcp_opt: tcp ? (first(p, "tcp.options")?.toUpperCase() ?? null) : null,
    // UDP-Lite's length field is its checksum coverage: tshark's udp.length is computed.
    l4_len:
      l4 === 17 ? num(first(p, "udp.length")) : l4 === 136 ? num(first(p, "udp.checksum_coverage")) : null,
    icmp_type: !icmp ? null : v6 ? num(first(p, "icmpv6.type")) : num(first(p, "icmp.type")),
    icmp_code: !icmp ? null : v6 ? num(first(p, "icmpv6.code")) : num(first(p, "icmp.code")),
    uid: num(first(p, "nflog.uid")),
    gid: num(first(p, "nflog.gid")),
    mark:
      mark === undefined || Number.parseInt(mark, 16) === 0
        ? null
        : `0x${Number.parseInt(mark, 16).toString(16)}`,
  };
}
