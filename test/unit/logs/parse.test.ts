// parseLogLine on real lines recorded from Linux 6.18 (test/fixtures/logs/kernel-6.18.txt) and on
// other kernels' spellings synthesized from the kernel sources (kernel-spellings.txt).
import { test } from "node:test";
import assert from "node:assert/strict";
import { parseLogLine, type FullRecord } from "../../../src/logs/parse.js";
import { byCase, corpus, line, type CorpusLine } from "./corpus.js";

const real = corpus("kernel-6.18.txt");
/** The same cases recorded inside the Debian 13 VM (kernel 6.12.117) and the Debian 12 VM (6.1.0-50). */
const debian612 = corpus("kernel-6.12.txt");
const debian61 = corpus("kernel-6.1.txt");
const synthesized = corpus("kernel-spellings.txt");
const all = [...real, ...synthesized];
const ctx = { host: "h1", time: "2026-11-25T12:00:00.000Z", log_pos: "42" };

function parse(l: CorpusLine): FullRecord {
  return parseLogLine(l.message, ctx);
}

/** Assert the listed fields of the record parsed from the one line containing all `parts`. */
function expectLine(lines: CorpusLine[], parts: string[], expected: Partial<FullRecord>): FullRecord {
  const record = parse(line(lines, ...parts));
  const picked = Object.fromEntries(Object.keys(expected).map((k) => [k, record[k as keyof FullRecord]]));
  assert.deepEqual(picked, expected, `fields of the line with ${JSON.stringify(parts)}`);
  return record;
}

const V4_A = "10.231.0.1";
const V4_B = "10.231.0.2";
const V6_A = "fd00:0231:0000:0000:0000:0000:0000:0001";
const V6_B = "fd00:0231:0000:0000:0000:0000:0000:0002";
const MAC_BR = "02:00:00:00:23:03:02:00:00:00:23:01:08:00";

test("the corpus is large enough and every line becomes a record with its raw text", () => {
  assert.ok(real.length >= 80, `recorded lines: ${real.length}`);
  assert.ok(all.length >= 110, `all lines: ${all.length}`);
  for (const l of all) {
    const r = parse(l);
    assert.equal(r.raw, l.message);
    assert.equal(r.host, "h1");
    assert.equal(r.time, ctx.time);
    assert.equal(r.log_pos, "42");
  }
});

test("every recorded 6.18, 6.12 and 6.1 line gets a catalogued reason id", () => {
  const unknown = [...real, ...debian612, ...debian61]
    .filter((l) => parse(l).reason_id === "unknown")
    .map((l) => l.message);
  assert.deepEqual(unknown, []);
});

test("6.12 gives the reasons 6.18 gives for the same packets; 6.1 lacks `invalid new` and the SCTP chunk checks", () => {
  const ids = (lines: CorpusLine[]) =>
    [...new Set(lines.map((l) => `${l.case} ${parse(l).reason_id}`))].sort();
  assert.deepEqual(ids(debian612), ids(real));
  // Logged from 6.12 on; a pr_debug before (DOMAIN.md §8).
  const invalidNew = debian612.filter((l) => parse(l).reason_id === "tcp.invalid_new");
  assert.deepEqual([...new Set(invalidNew.map((l) => l.case))], ["tcp-flags", "tcp-new"]);
  // Debian 12's 6.1, the same packets: neither `invalid new` (a pr_debug there) nor the SCTP chunk
  // checks (logged from 6.3 on); every other case gives the same reasons.
  const only612 = ["sctp-chunks sctp.basic_checks", "tcp-flags tcp.invalid_new", "tcp-new tcp.invalid_new"];
  assert.deepEqual(
    ids(debian612).filter((id) => !ids(debian61).includes(id)),
    only612,
  );
  assert.deepEqual(
    ids(debian61).filter((id) => !ids(debian612).includes(id)),
    [],
  );
  // The window reasons carry the bound, as from 6.1 on.
  expectLine(debian612, ["nf_ct_proto_6: SEQ is over upper bound", "OUT=va"], {
    reason_id: "tcp.seq_over_upper_bound",
    reason: "SEQ is over upper bound 510529174 (over the window of the receiver)",
  });
});

test("outer fields agree with a naive key=value reading of the text before any quoted packet", () => {
  for (const l of all) {
    const r = parse(l);
    const at = l.message.indexOf(" IN=");
    if (at < 0) continue;
    const outer = l.message.slice(at, l.message.includes(" [") ? l.message.indexOf(" [") : undefined);
    const naive = (key: string) => new RegExp(` ${key}=(\\S*)`).exec(outer)?.[1] ?? null;
    assert.equal(r.in, naive("IN"), l.message);
    assert.equal(r.out, naive("OUT"), l.message);
    assert.equal(r.src, naive("SRC"), l.message);
    assert.equal(r.dst, naive("DST"), l.message);
    assert.equal(r.proto, naive("PROTO"), l.message);
    const spt = naive("SPT");
    if (!r.truncated || spt) assert.equal(r.sport, spt === null ? null : Number(spt), l.message);
    assert.equal(r.reason, l.message.slice(l.message.indexOf(": ") + 2, at).trim(), l.message);
  }
});

test("TCP flag combinations, v4 and v6, both directions, with PHYSIN, MAC, UID/GID and MARK", () => {
  expectLine(real, ["SPT=40001", "OUT=va"], {
    kind: "invalid",
    l4proto: 6,
    reason: "invalid tcp flag combination",
    reason_id: "tcp.invalid_flags",
    details: null,
    in: "",
    out: "va",
    mac: null,
    physin: null,
    family: "ipv4",
    src: V4_A,
    dst: V4_B,
    len: 40,
    tos: 0,
    ttl: 64,
    ip_id: 1,
    ip_flags: [],
    proto: "TCP",
    sport: 40001,
    dport: 8080,
    seq: 1,
    ack: 0,
    tcp_window: 8192,
    flags: ["RST", "SYN"],
    uid: 0,
    gid: 0,
    mark: null,
    truncated: false,
  });
  expectLine(real, ["SPT=40001", "IN=br0"], {
    in: "br0",
    out: "",
    physin: "vb",
    physout: null,
    mac: MAC_BR,
    uid: null,
    gid: null,
    flags: ["RST", "SYN"],
  });
  expectLine(real, ["SPT=40002", "IN=br0"], {
    family: "ipv6",
    src: V6_A,
    dst: V6_B,
    len: 60,
    tos: 0,
    ttl: 64,
    mac: "02:00:00:00:23:03:02:00:00:00:23:01:86:dd",
    reason_id: "tcp.invalid_flags",
    flags: ["RST", "SYN"],
  });
  expectLine(real, ["SPT=40004", "IN=br0"], { mark: "0x2a", dport: 7779 });
  expectLine(real, ["SPT=40005", "OUT=va"], {
    ip_flags: ["CE", "DF"],
    tos: 0x10,
    flags: ["URG", "PSH", "FIN"],
    uid: 0,
  });
});

test("IP and TCP options, and IPv6 extension headers", () => {
  expectLine(real, ["SPT=40003", "OUT=va"], {
    len: 52,
    flags: ["SYN", "FIN"],
    tcp_opt: "020405B403030700",
    ip_flags: [],
    uid: 0,
  });
  expectLine(real, ["SPT=40006", "OUT=va"], {
    family: "ipv6",
    len: 68,
    proto: "TCP",
    flags: ["RST", "SYN"],
    truncated: false,
  });
  expectLine(synthesized, ["FRAG:1448"], {
    family: "ipv6",
    frag: 1448,
    ip_id: 0xabcd,
    ip_flags: ["MF"],
    proto: "UDP",
    sport: null,
    truncated: false,
    reason_id: "udp.bad_checksum",
  });
  expectLine(synthesized, ["FRAG:185"], {
    ip_flags: ["MF"],
    frag: 185,
    ip_id: 4242,
    proto: "UDP",
    sport: null,
    truncated: false,
  });
});

test("TCP state and window reasons carry their parameters in details", () => {
  expectLine(real, ["invalid, state SYN_SENT"], {
    reason_id: "tcp.invalid_state",
    details: { index: 3, dir: 0, state: "SYN_SENT" },
    flags: ["ACK"],
    seq: 5001,
    ack: 1,
  });
  expectLine(real, ["ignored, state ESTABLISHED", "OUT=va"], {
    reason_id: "tcp.ignored_state",
    details: { index: 0, dir: 0, state: "ESTABLISHED" },
    flags: ["SYN"],
  });
  expectLine(real, ["SEQ is over upper bound", "OUT=va"], {
    reason_id: "tcp.seq_over_upper_bound",
    details: { bound: 105061912 },
    seq: 155060764,
    ack: 2499086037,
    len: 50,
  });
  expectLine(real, ["ACK is over upper bound", "IN=br0"], {
    reason_id: "tcp.ack_over_upper_bound",
    details: { bound: 2499086038 },
    ack: 2549086037,
  });
  expectLine(real, ["SEQ is under lower bound 105059611", "OUT=va"], {
    reason_id: "tcp.seq_under_lower_bound",
    details: { bound: 105059611 },
    seq: 55060764,
  });
  expectLine(real, ["ignored ACK under lower bound", "IN=br0"], {
    reason_id: "tcp.ack_under_lower_bound",
    details: { bound: 2499020036 },
    ack: 2494086037,
  });
  expectLine(real, ["bytes more than expected", "OUT=va"], {
    reason_id: "tcp.bytes_more_than_expected",
    details: { bytes: 16 },
    flags: ["ACK", "PSH"],
  });
  expectLine(real, ["invalid rst", "IN=br0"], {
    reason_id: "tcp.invalid_rst",
    flags: ["RST"],
    seq: 105060664,
  });
  expectLine(real, ["SEQ is under lower bound 105060773", "OUT=va"], {
    ip_flags: ["DF"],
    ip_id: 21038,
    tcp_window: 63,
    flags: ["ACK", "FIN"],
    tcp_opt: "0101080A79EBF03A6CBD354F",
  });
  expectLine(real, ["invalid new", "SPT=40012", "IN=br0"], {
    reason_id: "tcp.invalid_new",
    family: "ipv6",
    flags: ["RST"],
  });
});

test("malformed TCP and checksum failures", () => {
  expectLine(real, ["truncated packet", "OUT=va"], {
    reason_id: "tcp.truncated",
    truncated: true,
    tcp_opt: null,
    flags: ["SYN"],
  });
  expectLine(real, ["nf_ct_proto_6: bad checksum", "SPT=40031"], {
    reason_id: "tcp.bad_checksum",
    in: "lo",
    mac: "00:00:00:00:00:00:00:00:00:00:00:00:08:00",
    src: "127.231.0.1",
  });
  expectLine(real, ["nf_ct_proto_6: bad checksum", "SPT=40032"], {
    reason_id: "tcp.bad_checksum",
    family: "ipv6",
  });
});

test("UDP: bad checksum, truncated/malformed with its length field, short with INCOMPLETE", () => {
  expectLine(real, ["nf_ct_proto_17: bad checksum", "SPT=40051"], {
    l4proto: 17,
    reason_id: "udp.bad_checksum",
    proto: "UDP",
    sport: 40051,
    dport: 9999,
    len: 32,
    l4_len: 12,
  });
  expectLine(real, ["truncated/malformed packet", "OUT=va"], {
    reason_id: "udp.truncated",
    len: 33,
    l4_len: 100,
  });
  expectLine(real, ["nf_ct_proto_17: short packet", "IN=br0"], {
    reason_id: "udp.short",
    proto: "UDP",
    sport: null,
    incomplete: 6,
    truncated: false,
  });
});

test("ICMP: short, invalid type, checksum with echo id/seq, parameter, gateway and MTU", () => {
  expectLine(real, ["nf_ct_proto_1: short packet", "OUT=va"], {
    reason_id: "icmp.short",
    incomplete: 4,
    icmp_type: null,
    uid: 0,
  });
  expectLine(real, ["invalid icmp type", "IN=br0"], {
    reason_id: "icmp.invalid_type",
    icmp_type: 99,
    icmp_code: 1,
  });
  expectLine(real, ["bad hw icmp checksum", "TYPE=8"], {
    reason_id: "icmp.bad_checksum",
    icmp_type: 8,
    icmp_code: 0,
    icmp: { id: 7, seq: 3 },
    ip_id: 1,
    seq: null,
    inner: null,
  });
  expectLine(real, ["bad hw icmp checksum", "PARAMETER=20"], { icmp_type: 12, icmp: { parameter: 20 } });
  expectLine(real, ["bad hw icmp checksum", "GATEWAY="], {
    icmp_type: 5,
    icmp_code: 1,
    icmp: { gateway: "127.231.0.254" },
  });
});

test("an ICMP error's quoted packet goes to `inner` and never replaces the outer addresses", () => {
  const mismatch = expectLine(real, ["outer daddr 10.231.0.3", "CODE=3", "IN=br0"], {
    reason_id: "icmp.outer_inner_mismatch",
    details: { outer: "10.231.0.3", inner: V4_B },
    src: V4_A,
    dst: "10.231.0.3",
    len: 56,
    proto: "ICMP",
    sport: null,
    icmp_type: 3,
    icmp_code: 3,
    physin: "vb",
    inner: {
      family: "ipv4",
      src: V4_B,
      dst: V4_A,
      proto: "UDP",
      sport: 5000,
      dport: 40061,
      len: 28,
      flags: [],
      icmp_type: null,
      icmp_code: null,
      truncated: false,
    },
  });
  assert.equal(mismatch.truncated, false);
  expectLine(real, ["outer daddr 10.231.0.3", "CODE=4", "OUT=va"], {
    icmp: { mtu: 1280 },
    uid: 0,
    gid: 0,
    dst: "10.231.0.3",
  });
  const tcpInner = expectLine(real, ["bad hw icmp checksum", "TYPE=11"], {
    src: "127.231.0.1",
    dst: "127.231.0.2",
    icmp_type: 11,
  });
  assert.deepEqual(
    {
      src: tcpInner.inner?.src,
      dst: tcpInner.inner?.dst,
      proto: tcpInner.inner?.proto,
      flags: tcpInner.inner?.flags,
      dport: tcpInner.inner?.dport,
    },
    { src: "127.231.0.2", dst: "127.231.0.9", proto: "TCP", flags: ["SYN"], dport: 80 },
  );
  assert.equal(tcpInner.seq, null, "the quoted TCP header's SEQ is not the outer packet's");
  expectLine(synthesized, ["INCOMPLETE [8 bytes] ]"], {
    mark: "0x10",
    inner: {
      family: "ipv4",
      src: V4_B,
      dst: V4_A,
      proto: "TCP",
      sport: null,
      dport: null,
      len: 40,
      flags: [],
      icmp_type: null,
      icmp_code: null,
      truncated: false,
    },
  });
});

test("ICMPv6: short, checksum (echo, packet too big, parameter problem), redirects, outer/inner", () => {
  expectLine(real, ["nf_ct_proto_58: short packet", "OUT=va"], {
    l4proto: 58,
    reason_id: "icmpv6.short",
    proto: "ICMPv6",
    incomplete: 2,
  });
  expectLine(real, ["ICMPv6 checksum failed", "TYPE=128"], {
    reason_id: "icmpv6.bad_checksum",
    icmp_type: 128,
    icmp: { id: 9, seq: 4 },
  });
  const tooBig = expectLine(real, ["ICMPv6 checksum failed", "TYPE=2"], {
    icmp: { mtu: 1280 },
    src: "fd00:0231:0001:0000:0000:0000:0000:0001",
  });
  assert.equal(tooBig.inner?.src, "fd00:0231:0001:0000:0000:0000:0000:0002");
  assert.equal(tooBig.inner?.family, "ipv6");
  expectLine(real, ["ICMPv6 checksum failed", "POINTER="], { icmp_type: 4, icmp: { pointer: 6 } });
  expectLine(real, ["short redirect"], { reason_id: "icmpv6.short_redirect", icmp_type: 137, uid: 0 });
  expectLine(real, ["invalid saddr or hoplimit for redirect", "IN=br0"], {
    reason_id: "icmpv6.invalid_redirect",
    ttl: 64,
  });
  expectLine(real, ["redirect without options", "LEN=80", "IN=br0"], {
    reason_id: "icmpv6.redirect_without_options",
    ttl: 255,
    src: "fe80:0000:0000:0000:0000:00ff:fe00:2301",
  });
  const mismatch6 = expectLine(real, ["nf_ct_proto_58: outer daddr", "OUT=va"], {
    reason_id: "icmpv6.outer_inner_mismatch",
    details: { outer: "fd00:0231:0000:0000:0000:0000:0000:0003", inner: V6_B },
    dst: "fd00:0231:0000:0000:0000:0000:0000:0003",
    icmp_type: 1,
    icmp_code: 4,
  });
  assert.equal(mismatch6.inner?.dport, 40071);
});

test("SCTP reasons keep their own prefix and the double space before IN=", () => {
  expectLine(real, ["bad CRC"], {
    l4proto: 132,
    reason: "nf_ct_sctp: bad CRC",
    reason_id: "sctp.bad_crc",
    proto: "132",
    sport: null,
    in: "lo",
    truncated: false,
  });
  expectLine(real, ["nf_ct_sctp: short packet", "OUT=va"], { reason_id: "sctp.short", uid: 0 });
  expectLine(synthesized, ["failed to read header"], { reason_id: "sctp.header" });
});

test("SCTP chunk checks (6.3+): the format's trailing newline is not part of the reason", () => {
  expectLine(real, ["chunk num 1, type 0", "IN=br0"], {
    reason: "do_basic_checks failed. chunk num 1, type 0, len 4096 flag 1",
    reason_id: "sctp.basic_checks",
    details: { check: "do_basic_checks", chunk: 1, type: 0, len: 4096, flag: 1 },
    in: "br0",
    physin: "vb",
    len: 68,
    proto: "132",
  });
  expectLine(real, ["chunk num 0, type 1", "OUT=va"], {
    reason_id: "sctp.basic_checks",
    uid: 0,
    details: { check: "do_basic_checks", chunk: 0, type: 1, len: 0, flag: 1 },
  });
  expectLine(synthesized, ["verification tag check failed"], {
    reason_id: "sctp.vtag",
    details: { vtag: "5f5e5d5c", expected: "1a2b3c4d", dir: 1 },
  });
  expectLine(synthesized, ["Invalid, old_state 3"], {
    reason_id: "sctp.invalid_state",
    details: { old_state: 3, dir: 0, type: 1 },
  });
});

test("older kernels' spellings map to the same ids as 6.18's", () => {
  const pairs: Array<[string, string]> = [
    ["nf_ct_proto_6: SEQ is over the upper bound", "tcp.seq_over_upper_bound"],
    ["nf_ct_tcp: SEQ is over the upper bound", "tcp.seq_over_upper_bound"],
    ["ACK is over the upper bound (ACKed data not seen yet) IN= OUT= SRC", "tcp.ack_over_upper_bound"],
    ["SEQ is under the lower bound", "tcp.seq_under_lower_bound"],
    ["ACK is under the lower bound", "tcp.ack_under_lower_bound"],
    ["nf_ct_proto_6: invalid state IN", "tcp.invalid_state"],
    ["invalid packet ignored in state ESTABLISHED", "tcp.ignored_state"],
    ["nf_ct_tcp: invalid packet ignored IN", "tcp.ignored_state"],
    ["challenge-ack ignored", "tcp.challenge_ack_ignored"],
    ["challenge-ACK ignored", "tcp.challenge_ack_ignored"],
    ["nf_ct_tcp: invalid TCP flag combination", "tcp.invalid_flags"],
    ["bad TCP checksum", "tcp.bad_checksum"],
    ["nf_ct_tcp: invalid RST", "tcp.invalid_rst"],
    ["bad HW ICMP checksum", "icmp.bad_checksum"],
    ["invalid ICMP type", "icmp.invalid_type"],
    ["nf_ct_udp: truncated/malformed", "udp.truncated"],
    ["lower timeout to 300", "tcp.lower_timeout"],
    ["nf_ct_tcp: BUG IN=", "tcp.window_bug"],
  ];
  for (const [text, id] of pairs) assert.equal(parse(line(synthesized, text)).reason_id, id, text);
  expectLine(synthesized, ["invalid packet ignored in state ESTABLISHED"], {
    reason: "invalid packet ignored in state ESTABLISHED",
    details: { state: "ESTABLISHED" },
  });
  expectLine(synthesized, ["nf_ct_tcp: invalid RST"], {
    l4proto: 6,
    reason: "invalid RST",
    in: "",
    out: "",
    flags: ["ACK", "RST"],
  });
  expectLine(synthesized, ["nf_ct_icmp: bad HW ICMP checksum"], { l4proto: 1, icmp: { id: 7, seq: 3 } });
  expectLine(synthesized, ["lower timeout to 300"], {
    details: { index: 4, dir: 1, response_index: 3, timeout: 300 },
  });
  expectLine(synthesized, ["in dir 1 invalid"], { details: { index: 0, dir: 1, state: "ESTABLISHED" } });
  expectLine(synthesized, ["ACK is over the upper bound", "IN=eth0"], {
    family: "ipv6",
    details: null,
    reason_id: "tcp.ack_over_upper_bound",
  });
});

test("4.14's UDP and UDP-Lite checksum spellings and 4.19's short TCP packet", () => {
  expectLine(synthesized, ["nf_ct_udp: bad UDP checksum"], {
    l4proto: 17,
    reason: "bad UDP checksum",
    reason_id: "udp.bad_checksum",
    sport: 40053,
    l4_len: 21,
  });
  expectLine(synthesized, ["nf_ct_udplite: bad UDPLite checksum"], {
    l4proto: 136,
    reason: "bad UDPLite checksum",
    reason_id: "udplite.bad_checksum",
    proto: "UDPLITE",
    sport: 40091,
  });
  expectLine(synthesized, ["nf_ct_proto_6: short packet"], {
    l4proto: 6,
    reason_id: "tcp.short",
    proto: "TCP",
    sport: null,
    incomplete: 6,
  });
});

test("DCCP and UDP-Lite lines from kernels that have them", () => {
  expectLine(synthesized, ["nf_ct_dccp: bad checksum"], {
    l4proto: 33,
    reason_id: "dccp.bad_checksum",
    proto: "33",
  });
  expectLine(synthesized, ["nf_ct_proto_33: invalid state transition"], {
    reason_id: "dccp.invalid_state_transition",
  });
  expectLine(synthesized, ["nf_ct_proto_33: invalid packet IN="], { reason_id: "dccp.invalid_packet" });
  expectLine(synthesized, ["nf_ct_dccp: invalid packet ignored"], {
    l4proto: 33,
    reason: "invalid packet ignored",
    reason_id: "dccp.invalid_packet",
  });
  expectLine(synthesized, ["nf_ct_dccp: short packet"], { l4proto: 33, reason_id: "dccp.short", in: "" });
  expectLine(synthesized, ["48bit sequence numbers"], {
    l4proto: 33,
    reason: "nf_ct_dccp: type lacks 48bit sequence numbers",
    reason_id: "dccp.short_sequence",
    proto: "33",
  });
  expectLine(synthesized, ["invalid checksum coverage"], {
    l4proto: 136,
    reason_id: "udplite.invalid_coverage",
    proto: "UDPLITE",
    sport: 40090,
    l4_len: 200,
  });
});

test("lines cut short or marked TRUNCATED are kept and flagged", () => {
  expectLine(synthesized, ["TRUNCATED"], {
    reason_id: "tcp.truncated",
    truncated: true,
    src: null,
    in: "eth0",
  });
  const cut = parse(byCase(synthesized, "synth-edge-cut-line"));
  assert.deepEqual(
    {
      id: cut.reason_id,
      truncated: cut.truncated,
      sport: cut.sport,
      dport: cut.dport,
      src: cut.src,
      physin: cut.physin,
    },
    { id: "tcp.ack_over_upper_bound", truncated: true, sport: 43264, dport: null, src: V4_A, physin: "vb" },
  );
  expectLine(synthesized, ["nf_ct_proto_6: invalid rst"], {
    reason_id: "tcp.invalid_rst",
    truncated: true,
    in: null,
    src: null,
  });
  const cutInner = parse(byCase(synthesized, "synth-edge-cut-inner"));
  assert.deepEqual(
    { truncated: cutInner.truncated, id: cutInner.reason_id, dst: cutInner.dst },
    { truncated: true, id: "icmp.outer_inner_mismatch", dst: "10.231.0.3" },
  );
  assert.equal(cutInner.inner?.truncated, true);
  assert.equal(cutInner.inner?.src, V4_B);
});

test("lines the parser cannot place are kept whole with reason_id unknown, never thrown", () => {
  expectLine(synthesized, ["a future kernel adds"], {
    reason_id: "unknown",
    reason: "some reason a future kernel adds",
    l4proto: 6,
    sport: 40001,
  });
  expectLine(synthesized, ["GRE something"], { reason_id: "unknown", l4proto: 47, proto: "47" });
  expectLine(synthesized, ["table full"], { reason_id: "unknown", reason: null, l4proto: null, src: null });
  expectLine(synthesized, ["nf_ct_proto_x"], { reason_id: "unknown", l4proto: null });
  for (const weird of [
    "",
    " ",
    "nf_ct_proto_",
    "nf_ct_proto_6:",
    "nf_ct_proto_6: x IN=",
    "IN= OUT=",
    "nf_ct_proto_6: [[[ IN=[ OPT ( INCOMPLETE [",
  ]) {
    const r = parseLogLine(weird, ctx);
    assert.equal(r.raw, weird);
    assert.equal(typeof r.reason_id, "string");
  }
});

// Lines as people paste them: the article's own example, shortened with "…", and the tracker's
// pr_debug messages that share the "nf_ct_tcp: " tag (5.10-6.6 sources, nf_conntrack_proto_tcp.c).
test("a pasted line without IN= is decoded from its first dump key and marked abridged", () => {
  const pasted = "nf_ct_proto_6: invalid packet ignored in state ESTABLISHED SRC=… DPT=47832 SEQ=… ACK SYN";
  const r = parseLogLine(pasted, ctx);
  assert.deepEqual(
    [r.kind, r.reason_id, r.details, r.abridged, r.dport, r.flags, r.src, r.seq],
    ["invalid", "tcp.ignored_state", { state: "ESTABLISHED" }, true, 47832, ["ACK", "SYN"], "…", null],
  );
  const fromOut = parseLogLine(
    "nf_ct_proto_17: bad checksum OUT=eth0 SRC=10.0.0.1 DST=10.0.0.2 LEN=40 PROTO=UDP SPT=1 DPT=2 LEN=20",
    ctx,
  );
  assert.deepEqual(
    [fromOut.reason_id, fromOut.abridged, fromOut.out, fromOut.in, fromOut.dst, fromOut.dport],
    ["udp.bad_checksum", true, "eth0", null, "10.0.0.2", 2],
  );
  const whole = parse(line(real, "SPT=40003", "OUT=va"));
  assert.equal(whole.abridged, false, "a line with IN= is not abridged");
});

test("a tracker's debug message tagged nf_ct_tcp: is a printk record, not an INVALID packet", () => {
  for (const message of ["nf_ct_tcp: invalid new deleting.", "nf_ct_tcp: SYN proxy client keep alive"]) {
    const r = parseLogLine(message, ctx);
    assert.deepEqual(
      [r.kind, r.reason_id, r.l4proto, r.reason, r.printk?.module],
      ["printk", "printk.nf_conntrack", 6, message.slice("nf_ct_tcp: ".length), "nf_conntrack"],
    );
  }
  // The same tag with a packet dump is an INVALID line of a kernel before 4.19.
  const old = parseLogLine("nf_ct_tcp: invalid RST IN= OUT=lo SRC=127.0.0.1 DST=127.0.0.1 LEN=40", ctx);
  assert.deepEqual([old.kind, old.reason_id], ["invalid", "tcp.invalid_rst"]);
});

test("an IPv6 AH header cut short is INCOMPLETE bytes, not the more-fragments flag", () => {
  const ah =
    "nf_ct_proto_58: ICMPv6 checksum failed IN=eth0 OUT= SRC=fd00::1 DST=fd00::2 LEN=60 TC=0 HOPLIMIT=64 FLOWLBL=0 OPT ( AH INCOMPLETE [8 bytes] ) ";
  const r = parseLogLine(ah, ctx);
  assert.deepEqual([r.ip_flags, r.incomplete, r.family], [[], 8, "ipv6"]);
  const frag =
    "nf_ct_proto_17: bad checksum IN=eth0 OUT= SRC=fd00::1 DST=fd00::2 LEN=60 TC=0 HOPLIMIT=64 FLOWLBL=0 OPT ( FRAG:0 INCOMPLETE ID:0000abcd ) PROTO=UDP SPT=1 DPT=2 LEN=20";
  assert.deepEqual(parseLogLine(frag, ctx).ip_flags, ["MF"]);
});
