// A pcap tcpdump is still writing may end inside a record: collect takes whole records only.
// tcpdump's counters as it prints them at exit.
import { test } from "node:test";
import assert from "node:assert/strict";
import { parseIfnames } from "../../../src/capture/ifnames.js";
import { wholePcapBytes, wholePcapRecords } from "../../../src/capture/pcapBytes.js";
import { parseTcpdumpCounters } from "../../../src/capture/tcpdumpCounters.js";

/** A little-endian pcap (link type 239, NFLOG) with records of the given lengths. */
function pcap(lengths: number[], bigEndian = false): Buffer {
  const header = Buffer.alloc(24);
  if (bigEndian) header.writeUInt32BE(0xa1b2c3d4, 0);
  else header.writeUInt32LE(0xa1b2c3d4, 0);
  header.writeUInt32LE(239, 20);
  const records = lengths.map((n) => {
    const r = Buffer.alloc(16 + n, 0xab);
    if (bigEndian) r.writeUInt32BE(n, 8);
    else r.writeUInt32LE(n, 8);
    return r;
  });
  return Buffer.concat([header, ...records]);
}

test("whole records only: a file cut inside a record header or its data stops before that record", () => {
  const file = pcap([100, 60, 200]);
  assert.equal(wholePcapBytes(file), file.length);
  assert.equal(wholePcapBytes(file.subarray(0, 24 + 116 + 10)), 24 + 116, "inside the second header");
  assert.equal(
    wholePcapBytes(file.subarray(0, 24 + 116 + 76 + 50)),
    24 + 116 + 76,
    "inside the third's data",
  );
  assert.equal(wholePcapBytes(file.subarray(0, 24)), 24, "the header alone");
  assert.equal(wholePcapBytes(file.subarray(0, 20)), 0, "not even the header");
  assert.equal(wholePcapBytes(pcap([40, 40], true)), 24 + 2 * 56, "big-endian files too");
  assert.deepEqual(wholePcapRecords(file.subarray(0, file.length - 1)), { bytes: 24 + 116 + 76, records: 2 });
  assert.equal(wholePcapBytes(Buffer.from("\n\r\r\n".repeat(8))), 0, "pcapng is not what tcpdump -w writes");
});

test("tcpdump's counters at exit; none while it runs", () => {
  const err =
    "tcpdump: listening on nflog:0, link-type NFLOG (Linux netfilter log messages), snapshot length 256 bytes\n6 packets captured\n6 packets received by filter\n0 packets dropped by kernel\n";
  assert.deepEqual(parseTcpdumpCounters(err), { captured: 6, received: 6, dropped_by_kernel: 0 });
  assert.equal(parseTcpdumpCounters(err.split("\n")[0]), null);
  assert.deepEqual(parseTcpdumpCounters("1 packet captured\n1 packet received by filter\n"), {
    captured: 1,
    received: 1,
    dropped_by_kernel: 0,
  });
});

test("interface names by index", () => {
  assert.deepEqual(
    [...parseIfnames("1 lo\n2 eth0\nbad\n")],
    [
      [1, "lo"],
      [2, "eth0"],
    ],
  );
});
