// readCapture / CaptureReader on real NFLOG captures (test/fixtures/capture), checked against
// tshark: pcap µs and ns, pcapng, big-endian copies, files cut at every byte, pieces of any size,
// and input that is no capture at all.
import { test } from "node:test";
import { spawnSync } from "node:child_process";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  CaptureFormatError,
  CaptureReader,
  isCapture,
  readCapture,
  type CapturedPacket,
} from "../../../src/capture/pcap.js";
import { decodeNflog } from "../../../src/capture/nflog.js";
import { swapPcap, swapPcapng } from "./byteSwap.js";
import { TSHARK_MISSING, tsharkFields } from "../../support/tshark.js";
import { fixture } from "./fixtures.js";

const FILES = [
  { name: "invalid.pcap", format: "pcap", digits: 6 },
  { name: "invalid-nano.pcap", format: "pcap", digits: 9 },
  { name: "invalid.pcapng", format: "pcapng", digits: 6 }, // dumpcap writes no if_tsresol: µs
  { name: "fragments.pcap", format: "pcap", digits: 6 },
] as const;

function bytes(name: string): Uint8Array {
  return new Uint8Array(readFileSync(fixture(name)));
}

/** tshark's frame.time_epoch ("1796473451.102500000") as whole seconds and nanoseconds. */
function epoch(text: string): { seconds: number; nanoseconds: number } {
  const [s, f = ""] = text.split(".");
  return { seconds: Number(s), nanoseconds: Number(f.padEnd(9, "0").slice(0, 9)) };
}

function checkAgainstTshark(file: string, packets: CapturedPacket[]): void {
  const frames = tsharkFields(file, [
    "frame.time_epoch",
    "frame.len",
    "frame.cap_len",
    "frame.interface_id",
    "nflog.prefix",
  ]);
  assert.equal(packets.length, frames.length, "packet count");
  packets.forEach((p, i) => {
    const f = frames[i];
    assert.deepEqual(
      { seconds: p.seconds, nanoseconds: p.nanoseconds },
      epoch(f["frame.time_epoch"][0]),
      `packet ${i + 1} time`,
    );
    assert.ok(
      Math.abs((p.time ?? 0) - Number(f["frame.time_epoch"][0]) * 1000) < 0.001,
      `packet ${i + 1} epoch ms`,
    );
    assert.equal(p.origLen, Number(f["frame.len"][0]), `packet ${i + 1} length`);
    assert.equal(p.data.length, Number(f["frame.cap_len"][0]), `packet ${i + 1} captured length`);
    assert.equal(p.interfaceId, Number(f["frame.interface_id"][0] ?? 0), `packet ${i + 1} interface`);
    assert.equal(p.linkType, 239);
    assert.equal(decodeNflog(p.data, p.littleEndian).prefix, f["nflog.prefix"][0], `packet ${i + 1} prefix`);
  });
}

for (const { name, format, digits } of FILES) {
  test(`${name}: every packet as tshark reads it`, { skip: TSHARK_MISSING }, () => {
    const buf = bytes(name);
    const read = readCapture(buf);
    assert.equal(read.format, format);
    assert.equal(read.consumed, buf.length);
    assert.equal(read.truncated, false);
    assert.ok(read.packets.every((p) => p.resolutionDigits === digits && p.littleEndian));
    checkAgainstTshark(fixture(name), read.packets);
  });
}

test("big-endian copies read the same (pcap and pcapng), and tshark agrees", { skip: TSHARK_MISSING }, () => {
  const dir = mkdtempSync(join(tmpdir(), "nfdebug-pcap-"));
  try {
    for (const [name, swapped] of [
      ["invalid.pcap", swapPcap(bytes("invalid.pcap"))],
      ["invalid.pcapng", swapPcapng(bytes("invalid.pcapng"))],
    ] as const) {
      const le = readCapture(bytes(name)).packets;
      const be = readCapture(swapped);
      assert.ok(be.packets.every((p) => !p.littleEndian));
      assert.deepEqual(
        be.packets.map((p) => ({ ...decodeNflog(p.data, false), time: p.time, origLen: p.origLen })),
        le.map((p) => ({ ...decodeNflog(p.data, true), time: p.time, origLen: p.origLen })),
        name,
      );
      const path = join(dir, `be-${name}`);
      writeFileSync(path, swapped);
      checkAgainstTshark(path, be.packets);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("a file cut at any byte gives its complete packets, and consumed says where they end", () => {
  for (const name of ["invalid.pcap", "invalid.pcapng", "invalid-nano.pcap"]) {
    const buf = bytes(name);
    const whole = readCapture(buf).packets;
    // Where each complete prefix of the file ends: the header, then after each packet.
    const ends = new Set<number>();
    for (let cut = 0; cut <= buf.length; cut++) {
      const reader = new CaptureReader();
      const packets = reader.push(buf.subarray(0, cut));
      if (cut < 4) {
        assert.throws(() => readCapture(buf.subarray(0, cut)), CaptureFormatError);
        continue;
      }
      const read = readCapture(buf.subarray(0, cut));
      assert.equal(read.packets.length, packets.length);
      assert.deepEqual(read.packets, whole.slice(0, read.packets.length), `${name} cut at ${cut}`);
      assert.equal(read.truncated, read.consumed !== cut, `${name} cut at ${cut}: truncated`);
      assert.ok(read.consumed <= cut);
      if (!read.truncated) ends.add(cut);
    }
    // A cut loses nothing exactly at the end of the header and of each record (pcap), or of each
    // block (pcapng).
    const expected = name.endsWith("pcapng") ? pcapngBlocks(buf) : whole.length + 1;
    assert.equal(ends.size, expected, `${name}: complete prefixes`);
  }
});

function pcapngBlocks(buf: Uint8Array): number {
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  let n = 0;
  for (let at = 0; at < buf.length; at += view.getUint32(at + 4, true)) n++;
  return n;
}

test("pcapng with if_tsresol 9 (editcap of the ns pcap): nanosecond times", { skip: TSHARK_MISSING }, () => {
  const dir = mkdtempSync(join(tmpdir(), "nfdebug-pcap-"));
  try {
    const path = join(dir, "nano.pcapng");
    const run = spawnSync("editcap", ["-F", "pcapng", fixture("invalid-nano.pcap"), path], {
      encoding: "utf8",
    });
    assert.equal(run.status, 0, run.stderr);
    const ng = readCapture(new Uint8Array(readFileSync(path)));
    const pcap = readCapture(bytes("invalid-nano.pcap"));
    assert.equal(ng.format, "pcapng");
    assert.deepEqual(
      ng.packets.map((p) => [p.seconds, p.nanoseconds, p.resolutionDigits, p.data]),
      pcap.packets.map((p) => [p.seconds, p.nanoseconds, 9, p.data]),
    );
    checkAgainstTshark(path, ng.packets);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("pieces of any size give the packets of the whole file", () => {
  for (const name of ["invalid.pcap", "invalid.pcapng"]) {
    const buf = bytes(name);
    const whole = readCapture(buf).packets;
    for (const size of [1, 3, 17, 100, 4096]) {
      const reader = new CaptureReader();
      const packets: CapturedPacket[] = [];
      for (let at = 0; at < buf.length; at += size) packets.push(...reader.push(buf.subarray(at, at + size)));
      assert.deepEqual(packets, whole, `${name} in pieces of ${size}`);
      assert.equal(reader.consumed, buf.length);
      assert.equal(reader.truncated, false);
    }
  }
});

test("input that is no capture: a clear error, never a crash", () => {
  const text = new TextEncoder().encode("nf_ct_proto_6: invalid tcp flag combination IN= OUT=lo\n");
  assert.equal(isCapture(text), false);
  assert.throws(
    () => readCapture(text),
    (err: unknown) => err instanceof CaptureFormatError && /not a pcap or pcapng file/.test(err.message),
  );
  assert.throws(() => readCapture(new Uint8Array(0)), CaptureFormatError);
  // A pcap whose first record claims 2^31 bytes: damaged, said with its offset.
  const damaged = Uint8Array.from(bytes("invalid.pcap"));
  new DataView(damaged.buffer).setUint32(24 + 8, 0x80000000, true);
  assert.throws(() => readCapture(damaged), /damaged pcap record at byte 24/);
  // A pcapng block with a length that is not a multiple of 4.
  const ng = Uint8Array.from(bytes("invalid.pcapng"));
  new DataView(ng.buffer).setUint32(4, 0x1001, true);
  assert.throws(() => readCapture(ng), /damaged pcapng block at byte 0/);
  // Random bytes after a valid magic never escape as anything but CaptureFormatError.
  let seed = 7;
  for (let round = 0; round < 200; round++) {
    const junk = Uint8Array.from(bytes(round % 2 ? "invalid.pcap" : "invalid.pcapng").subarray(0, 400));
    for (let k = 0; k < 8; k++) {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      junk[4 + (seed % 396)] = seed & 0xff;
    }
    try {
      readCapture(junk);
    } catch (err) {
      assert.ok(err instanceof CaptureFormatError, String(err));
    }
  }
  assert.equal(isCapture(bytes("invalid.pcap")), true);
  assert.equal(isCapture(bytes("invalid.pcapng")), true);
  assert.equal(isCapture(swapPcap(bytes("invalid.pcap"))), true);
});
