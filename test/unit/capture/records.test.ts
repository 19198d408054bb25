// captureRecords on real NFLOG captures: every field of every record against tshark's decoding of
// the same packet, the records against the record schema, NFLOG prefixes against the catalogue, and
// the records of invalid.pcap against the log parser's records of the kernel lines the same packets
// produced with the nf_log_syslog backend (invalid.kmsg), field by field.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Ajv2020 } from "ajv/dist/2020.js";
import { captureRecords } from "../../../src/capture/records.js";
import { parseLogLine, type FullRecord } from "../../../src/logs/parse.js";
import { TSHARK_MISSING, fixture, nflogTlvValues, tsharkFields, type TsharkPacket } from "./tshark.js";

const FILES = ["invalid.pcap", "invalid-nano.pcap", "invalid.pcapng", "fragments.pcap"];
const LO = new Map([[1, "lo"]]);

const FIELDS = [
  "frame.time_epoch", "frame.protocols", "nflog.prefix", "nflog.res_id", "nflog.family", "nflog.ifindex_indev", "nflog.ifindex_outdev",
  "nflog.uid", "nflog.gid", "nflog.tlv_type", "nflog.tlv_value",
  "ip.src", "ip.dst", "ip.len", "ip.dsfield", "ip.ttl", "ip.id", "ip.flags.rb", "ip.flags.df", "ip.flags.mf",
  "ip.frag_offset", "ip.proto",
  "ipv6.src", "ipv6.dst", "ipv6.plen", "ipv6.tclass", "ipv6.hlim", "ipv6.nxt",
  "ipv6.fraghdr.offset", "ipv6.fraghdr.more", "ipv6.fraghdr.ident", "ipv6.fraghdr.nxt",
  "tcp.srcport", "tcp.dstport", "tcp.seq_raw", "tcp.ack_raw", "tcp.window_size_value", "tcp.flags", "tcp.options",
  "udp.srcport", "udp.dstport", "udp.length", "udp.checksum_coverage", "sctp.srcport", "sctp.dstport", "dccp.srcport", "dccp.dstport",
  "icmp.type", "icmp.code", "icmp.ident", "icmp.seq", "icmpv6.type", "icmpv6.code",
  "icmpv6.echo.identifier", "icmpv6.echo.sequence_number",
] as const;

const LAYER_PROTOCOLS: Record<string, number> = { tcp: 6, udp: 17, udplite: 136, icmp: 1, icmpv6: 58, sctp: 132, dccp: 33, gre: 47 };

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
  ["AE", 0x100], ["CWR", 0x80], ["ECE", 0x40], ["URG", 0x20], ["ACK", 0x10], ["PSH", 0x08], ["RST", 0x04], ["SYN", 0x02], ["FIN", 0x01],
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

/** The record fields tshark's decoding of one packet implies (the kernel's conventions applied). */
function expected(p: TsharkPacket, digits: number): Partial<FullRecord> {
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
  const ports = ["tcp", "udp", "sctp", "dccp"].map((x) => [num(p[`${x}.srcport`][0]), num(p[`${x}.dstport`][0])]);
  const [sport, dport] = icmp ? [null, null] : ports.find(([a]) => a !== null) ?? [null, null];
  const fragOffset = v6 ? num(first(p, "ipv6.fraghdr.offset")) : num(first(p, "ip.frag_offset"));
  const flagsWord = num(first(p, "tcp.flags"));
  const ipFlags = v6
    ? bool(first(p, "ipv6.fraghdr.more")) ? ["MF"] : []
    : [["CE", "ip.flags.rb"], ["DF", "ip.flags.df"], ["MF", "ip.flags.mf"]].filter(([, k]) => bool(first(p, k))).map(([n]) => n);
  const tcp = l4 === 6 && sport !== null && fragOffset !== null ? fragOffset === 0 : l4 === 6 && sport !== null;
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
    proto: l4 === null ? null : PROTO_NAMES[l4] ?? String(l4),
    sport,
    dport,
    seq: tcp ? num(first(p, "tcp.seq_raw")) : null,
    ack: tcp ? num(first(p, "tcp.ack_raw")) : null,
    window: tcp ? num(first(p, "tcp.window_size_value")) : null,
    flags: tcp && flagsWord !== null ? TCP_FLAGS.filter(([, bit]) => flagsWord & bit).map(([n]) => n) : [],
    tcp_opt: tcp ? (first(p, "tcp.options")?.toUpperCase() ?? null) : null,
    // UDP-Lite's length field is its checksum coverage: tshark's udp.length is computed.
    l4_len: l4 === 17 ? num(first(p, "udp.length")) : l4 === 136 ? num(first(p, "udp.checksum_coverage")) : null,
    icmp_type: !icmp ? null : v6 ? num(first(p, "icmpv6.type")) : num(first(p, "icmp.type")),
    icmp_code: !icmp ? null : v6 ? num(first(p, "icmpv6.code")) : num(first(p, "icmp.code")),
    uid: num(first(p, "nflog.uid")),
    gid: num(first(p, "nflog.gid")),
    mark: mark === undefined || Number.parseInt(mark, 16) === 0 ? null : `0x${Number.parseInt(mark, 16).toString(16)}`,
  };
}

function pick(record: FullRecord, keys: readonly string[]): Record<string, unknown> {
  return Object.fromEntries(keys.map((k) => [k, record[k as keyof FullRecord]]));
}

for (const name of FILES) {
  test(`${name}: every field of every record equals tshark's decoding`, { skip: TSHARK_MISSING }, () => {
    const { records, truncated, skipped } = captureRecords(new Uint8Array(readFileSync(fixture(name))), "h1", { ifnames: LO });
    assert.equal(truncated, false);
    assert.equal(skipped, 0);
    const packets = tsharkFields(fixture(name), FIELDS);
    assert.equal(records.length, packets.length);
    const digits = name === "invalid-nano.pcap" ? 9 : 6;
    records.forEach((record, i) => {
      const want = expected(packets[i], digits);
      assert.deepEqual(pick(record, Object.keys(want)), want, `${name} packet ${i + 1}: ${record.raw}`);
      assert.equal(record.host, "h1");
      assert.match(record.raw, / \(nflog group 0\)$/);
    });
  });
}

test("ICMP errors: the quoted packet and the echo id/seq as tshark reads them", { skip: TSHARK_MISSING }, () => {
  const { records } = captureRecords(new Uint8Array(readFileSync(fixture("invalid.pcap"))), "h1", { ifnames: LO });
  const packets = tsharkFields(fixture("invalid.pcap"), FIELDS);
  let errors = 0;
  records.forEach((r, i) => {
    const p = packets[i];
    if (r.icmp_type === 3) {
      errors++;
      assert.deepEqual(
        [r.inner?.src, r.inner?.dst, r.inner?.proto, r.inner?.sport, r.inner?.dport, r.inner?.len],
        [p["ip.src"][1], p["ip.dst"][1], "UDP", Number(p["udp.srcport"][0]), Number(p["udp.dstport"][0]), Number(p["ip.len"][1])],
      );
    }
    if (r.icmp_type === 8) assert.deepEqual(r.icmp, { id: Number(p["icmp.ident"][0]), seq: Number(p["icmp.seq"][0]) });
    if (r.icmp_type === 128)
      assert.deepEqual(r.icmp, { id: Number(p["icmpv6.echo.identifier"][0]), seq: Number(p["icmpv6.echo.sequence_number"][0]) });
  });
  assert.equal(errors, 1);
});

test("NFLOG prefixes → the log parser's reason and reason_id; other prefixes → unknown", () => {
  const { records } = captureRecords(new Uint8Array(readFileSync(fixture("invalid.pcap"))), "h1");
  const byReason = new Map(records.map((r) => [r.reason_id, r.reason]));
  assert.deepEqual(
    [...byReason.keys()].sort(),
    [
      "icmp.bad_checksum", "icmp.invalid_type", "icmp.short", "icmpv6.bad_checksum", "sctp.bad_crc",
      "tcp.ack_over_upper_bound", "tcp.invalid_flags", "tcp.invalid_new", "udp.bad_checksum", "udplite.bad_checksum", "unknown",
    ].sort(),
  );
  assert.equal(byReason.get("sctp.bad_crc"), "nf_ct_sctp: bad CRC");
  const ack = records.find((r) => r.reason_id === "tcp.ack_over_upper_bound");
  assert.equal(typeof ack?.details?.bound, "number");
  assert.deepEqual(
    records.filter((r) => r.reason_id === "unknown").map((r) => [r.reason, r.l4proto]),
    [["nfdebug dccp:", null], ["nfdebug gre:", null], ["nfdebug fragment:", null], ["nfdebug fragment:", null]],
  );
  // Without ifnames an interface is named by its index.
  assert.equal(records[1].in, "ifindex:1");
});

function schemaValidator() {
  const path = fileURLToPath(new URL("../../../../schemas/record.schema.json", import.meta.url));
  const schema = JSON.parse(readFileSync(path, "utf8")) as object;
  return new Ajv2020({ strict: true, allowUnionTypes: true, allErrors: true }).compile(schema);
}

test("every record of every fixture validates against schemas/record.schema.json", () => {
  const validate = schemaValidator();
  for (const name of FILES) {
    const { records } = captureRecords(new Uint8Array(readFileSync(fixture(name))), "h1", { ifnames: LO });
    for (const r of records) assert.ok(validate(JSON.parse(JSON.stringify(r))), `${name}: ${r.raw}: ${JSON.stringify(validate.errors)}`);
  }
});

/** The record fields a kernel line prints, which both backends must agree on. */
const SHARED = [
  "kind", "l4proto", "reason", "reason_id", "details", "in", "out", "mac", "physin", "physout", "family", "src", "dst",
  "len", "tos", "ttl", "ip_id", "ip_flags", "frag", "proto", "seq", "ack", "window", "flags", "tcp_opt", "l4_len",
  "icmp_type", "icmp_code", "icmp", "inner", "uid", "gid", "mark", "incomplete", "truncated",
] as const;

test("the record from the pcap equals the record from the kernel line of the same packet", () => {
  const { records } = captureRecords(new Uint8Array(readFileSync(fixture("invalid.pcap"))), "h1", { ifnames: LO });
  const lines = readFileSync(fixture("invalid.kmsg"), "utf8").split("\n").filter(Boolean);
  const logged = lines.map((l) => parseLogLine(l.slice(l.indexOf(";") + 1).trimEnd(), { host: "h1", time: null }));
  // The same packets in the same order, except those only the pcap run sent (a real connection's
  // out-of-window segments and the kernel's reply, and what the ruleset logged itself).
  const comparable = records.filter(
    (r) => r.reason_id !== "unknown" && r.reason_id !== "tcp.ack_over_upper_bound" && r.reason_id !== "tcp.invalid_new",
  );
  const fromLog = logged.filter((r) => r.reason_id !== "tcp.invalid_new");
  assert.equal(comparable.length, fromLog.length);
  comparable.forEach((r, i) => {
    const log = fromLog[i];
    // SCTP and DCCP ports: the kernel prints "PROTO=132" only; the capture has the ports.
    const want = { ...pick(log, SHARED), ...(r.proto === "132" ? {} : { sport: log.sport, dport: log.dport }) };
    const got = { ...pick(r, SHARED), ...(r.proto === "132" ? {} : { sport: r.sport, dport: r.dport }) };
    assert.deepEqual(got, want, `${lines[i]}\n${r.raw}`);
  });
  assert.equal(comparable.length, 19);
});
