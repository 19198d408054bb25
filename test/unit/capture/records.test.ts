// captureRecords on real NFLOG captures: every field of every record against tshark's decoding of
// the same packet, the records against the record schema, NFLOG prefixes against the catalogue, and
// the records of invalid.pcap against the log parser's records of the kernel lines the same packets
// produced with the nf_log_syslog backend (invalid.kmsg), field by field.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Ajv2020 } from "ajv/dist/2020.js";
import { readCapture } from "../../../src/capture/pcap.js";
import { captureRecords, recordOfPacket } from "../../../src/capture/records.js";
import { parseLogLine, type FullRecord } from "../../../src/logs/parse.js";
import { RECORD_FIELDS, TSHARK_MISSING, expectedRecord, tsharkFields } from "../../support/tshark.js";
import { fixture } from "./fixtures.js";

const FILES = ["invalid.pcap", "invalid-nano.pcap", "invalid.pcapng", "fragments.pcap", "icmp-errors.pcap"];
const LO = new Map([[1, "lo"]]);

function pick(record: FullRecord, keys: readonly string[]): Record<string, unknown> {
  return Object.fromEntries(keys.map((k) => [k, record[k as keyof FullRecord]]));
}

for (const name of FILES) {
  test(`${name}: every field of every record equals tshark's decoding`, { skip: TSHARK_MISSING }, () => {
    const { records, truncated, skipped } = captureRecords(
      new Uint8Array(readFileSync(fixture(name))),
      "h1",
      { ifnames: LO },
    );
    assert.equal(truncated, false);
    assert.equal(skipped, 0);
    const packets = tsharkFields(fixture(name), RECORD_FIELDS);
    assert.equal(records.length, packets.length);
    const digits = name === "invalid-nano.pcap" ? 9 : 6;
    records.forEach((record, i) => {
      const want = expectedRecord(packets[i], digits);
      assert.deepEqual(pick(record, Object.keys(want)), want, `${name} packet ${i + 1}: ${record.raw}`);
      assert.equal(record.host, "h1");
      assert.match(record.raw, / \(nflog group 0\)$/);
    });
  });
}

test(
  "ICMP errors: the quoted packet and the echo id/seq as tshark reads them",
  { skip: TSHARK_MISSING },
  () => {
    const { records } = captureRecords(new Uint8Array(readFileSync(fixture("invalid.pcap"))), "h1", {
      ifnames: LO,
    });
    const packets = tsharkFields(fixture("invalid.pcap"), RECORD_FIELDS);
    let errors = 0;
    records.forEach((r, i) => {
      const p = packets[i];
      if (r.icmp_type === 3) {
        errors++;
        assert.deepEqual(
          [r.inner?.src, r.inner?.dst, r.inner?.proto, r.inner?.sport, r.inner?.dport, r.inner?.len],
          [
            p["ip.src"][1],
            p["ip.dst"][1],
            "UDP",
            Number(p["udp.srcport"][0]),
            Number(p["udp.dstport"][0]),
            Number(p["ip.len"][1]),
          ],
        );
      }
      if (r.icmp_type === 8)
        assert.deepEqual(r.icmp, { id: Number(p["icmp.ident"][0]), seq: Number(p["icmp.seq"][0]) });
      if (r.icmp_type === 128)
        assert.deepEqual(r.icmp, {
          id: Number(p["icmpv6.echo.identifier"][0]),
          seq: Number(p["icmpv6.echo.sequence_number"][0]),
        });
    });
    assert.equal(errors, 1);
  },
);

test("NFLOG prefixes → the log parser's reason and reason_id; other prefixes → unknown", () => {
  const { records } = captureRecords(new Uint8Array(readFileSync(fixture("invalid.pcap"))), "h1");
  const byReason = new Map(records.map((r) => [r.reason_id, r.reason]));
  assert.deepEqual(
    [...byReason.keys()].sort(),
    [
      "icmp.bad_checksum",
      "icmp.invalid_type",
      "icmp.short",
      "icmpv6.bad_checksum",
      "sctp.bad_crc",
      "tcp.ack_over_upper_bound",
      "tcp.invalid_flags",
      "tcp.invalid_new",
      "udp.bad_checksum",
      "udplite.bad_checksum",
      "unknown",
    ].sort(),
  );
  assert.equal(byReason.get("sctp.bad_crc"), "nf_ct_sctp: bad CRC");
  const ack = records.find((r) => r.reason_id === "tcp.ack_over_upper_bound");
  assert.equal(typeof ack?.details?.bound, "number");
  assert.deepEqual(
    records.filter((r) => r.reason_id === "unknown").map((r) => [r.reason, r.l4proto]),
    [
      ["nfdebug dccp:", null],
      ["nfdebug gre:", null],
      ["nfdebug fragment:", null],
      ["nfdebug fragment:", null],
    ],
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
    for (const r of records)
      assert.ok(
        validate(JSON.parse(JSON.stringify(r))),
        `${name}: ${r.raw}: ${JSON.stringify(validate.errors)}`,
      );
  }
});

/** The record fields a kernel line prints, which both backends must agree on. */
const SHARED = [
  "kind",
  "l4proto",
  "reason",
  "reason_id",
  "details",
  "in",
  "out",
  "mac",
  "physin",
  "physout",
  "family",
  "src",
  "dst",
  "len",
  "tos",
  "ttl",
  "ip_id",
  "ip_flags",
  "frag",
  "proto",
  "seq",
  "ack",
  "window",
  "flags",
  "tcp_opt",
  "l4_len",
  "icmp_type",
  "icmp_code",
  "icmp",
  "inner",
  "uid",
  "gid",
  "mark",
  "incomplete",
  "truncated",
] as const;

/** Records of a capture and of the kernel lines the same packets gave (kmsg format), in order. */
function bothBackends(pcap: string, kmsg: string): { fromPcap: FullRecord[]; fromLog: FullRecord[] } {
  const { records } = captureRecords(new Uint8Array(readFileSync(fixture(pcap))), "h1", { ifnames: LO });
  const lines = readFileSync(fixture(kmsg), "utf8").split("\n").filter(Boolean);
  const fromLog = lines.map((l) =>
    parseLogLine(l.slice(l.indexOf(";") + 1).trimEnd(), { host: "h1", time: null }),
  );
  return { fromPcap: records, fromLog };
}

function assertSameRecords(fromPcap: FullRecord[], fromLog: FullRecord[]): void {
  assert.equal(fromPcap.length, fromLog.length);
  fromPcap.forEach((r, i) => {
    const log = fromLog[i];
    // SCTP and DCCP ports: the kernel prints "PROTO=132" only; the capture has the ports.
    const ports = (x: FullRecord) => (r.proto === "132" ? {} : { sport: x.sport, dport: x.dport });
    assert.deepEqual(
      { ...pick(r, SHARED), ...ports(r) },
      { ...pick(log, SHARED), ...ports(log) },
      `${log.raw}\n${r.raw}`,
    );
  });
}

test("the record from the pcap equals the record from the kernel line of the same packet", () => {
  const { fromPcap, fromLog } = bothBackends("invalid.pcap", "invalid.kmsg");
  // The same packets in the same order, except those only the pcap run sent (a real connection's
  // out-of-window segments and the kernel's reply, and what the ruleset logged itself).
  const comparable = fromPcap.filter(
    (r) => !["unknown", "tcp.ack_over_upper_bound", "tcp.invalid_new"].includes(r.reason_id),
  );
  assertSameRecords(
    comparable,
    fromLog.filter((r) => r.reason_id !== "tcp.invalid_new"),
  );
  assert.equal(comparable.length, 19);
});

test("ICMP and ICMPv6 errors (quoted packet, MTU, gateway, parameter, pointer) equal the kernel's lines", () => {
  const { fromPcap, fromLog } = bothBackends("icmp-errors.pcap", "icmp-errors.kmsg");
  assertSameRecords(fromPcap, fromLog);
  assert.deepEqual(
    fromPcap.map((r) => [r.icmp_type, r.icmp, r.inner?.proto ?? null]),
    [
      [3, { mtu: 1280 }, "TCP"],
      [5, { gateway: "127.0.0.9" }, "TCP"],
      [12, { parameter: 20 }, null],
      [11, null, "TCP"],
      [1, null, "UDP"],
      [2, { mtu: 1280 }, "UDP"],
      [4, { pointer: 6 }, "UDP"],
      [3, null, "UDP"],
    ],
  );
});

test("packets too short: cut by a snaplen, or an NFLOG packet that is not one", () => {
  const [packet] = readCapture(new Uint8Array(readFileSync(fixture("invalid.pcap")))).packets;
  const whole = recordOfPacket(packet, "h1");
  // 10 bytes cut from a 20-byte TCP header: the kernel's "INCOMPLETE [10 bytes]", and truncated.
  const cut = recordOfPacket({ ...packet, data: packet.data.subarray(0, packet.data.length - 10) }, "h1");
  assert.equal(whole?.truncated, false);
  assert.deepEqual(
    [cut?.truncated, cut?.incomplete, cut?.proto, cut?.sport, cut?.src, cut?.reason_id],
    [true, 10, "TCP", null, "127.0.0.1", "tcp.invalid_flags"],
  );
  // Cut inside the IP header: the prefix and interfaces are kept.
  const inIp = recordOfPacket({ ...packet, data: packet.data.subarray(0, packet.data.length - 30) }, "h1");
  assert.deepEqual(
    [inIp?.truncated, inIp?.src, inIp?.reason_id, inIp?.out],
    [true, null, "tcp.invalid_flags", "ifindex:1"],
  );
  const broken = recordOfPacket({ ...packet, data: new Uint8Array([2, 0]) }, "h1");
  assert.deepEqual([broken?.truncated, broken?.reason_id], [true, "unknown"]);
  assert.match(broken?.raw ?? "", /NFLOG packet not decodable/);
  assert.equal(recordOfPacket({ ...packet, linkType: 1 }, "h1"), null, "another link type is not a record");
});
