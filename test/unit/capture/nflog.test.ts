// decodeNflog on every packet of the fixtures against tshark's NFLOG dissector, and NFLOG packets
// cut short or damaged.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { readCapture } from "../../../src/capture/pcap.js";
import { decodeNflog, NflogFormatError } from "../../../src/capture/nflog.js";
import { TSHARK_MISSING, nflogTlvValues, tsharkFields } from "../../support/tshark.js";
import { fixture } from "./fixtures.js";

const FIELDS = [
  "nflog.family",
  "nflog.version",
  "nflog.res_id",
  "nflog.protocol",
  "nflog.hook",
  "nflog.prefix",
  "nflog.ifindex_indev",
  "nflog.ifindex_outdev",
  "nflog.ifindex_physindev",
  "nflog.ifindex_physoutdev",
  "nflog.uid",
  "nflog.gid",
  "nflog.timestamp",
  "nflog.tlv_type",
  "nflog.tlv_value",
  "frame.cap_len",
];

const hex = (b: Uint8Array | null) => (b === null ? undefined : Buffer.from(b).toString("hex"));
const num = (v: string[]) => (v.length === 0 ? null : Number(v[0]));

for (const name of ["invalid.pcap", "invalid.pcapng", "fragments.pcap", "icmp-errors.pcap"]) {
  test(`${name}: every NFLOG TLV as tshark reads it`, { skip: TSHARK_MISSING }, () => {
    const packets = readCapture(new Uint8Array(readFileSync(fixture(name)))).packets;
    const frames = tsharkFields(fixture(name), FIELDS);
    assert.equal(packets.length, frames.length);
    packets.forEach((packet, i) => {
      const f = frames[i];
      const n = decodeNflog(packet.data, packet.littleEndian);
      const tlvs = nflogTlvValues(f);
      const what = `${name} packet ${i + 1}`;
      assert.deepEqual(
        [n.family, n.version, n.group, n.hwProtocol, n.hook, n.prefix],
        [
          num(f["nflog.family"]),
          num(f["nflog.version"]),
          num(f["nflog.res_id"]),
          num(f["nflog.protocol"]),
          num(f["nflog.hook"]),
          f["nflog.prefix"][0],
        ],
        what,
      );
      assert.deepEqual(
        [n.indev, n.outdev, n.physindev, n.physoutdev, n.uid, n.gid],
        [
          num(f["nflog.ifindex_indev"]),
          num(f["nflog.ifindex_outdev"]),
          num(f["nflog.ifindex_physindev"]),
          num(f["nflog.ifindex_physoutdev"]),
          num(f["nflog.uid"]),
          num(f["nflog.gid"]),
        ],
        what,
      );
      assert.equal(
        n.mark === null ? undefined : n.mark.toString(16).padStart(8, "0"),
        tlvs.get(2),
        `${what} mark`,
      );
      assert.equal(hex(n.hwHeader), tlvs.get(16), `${what} hw header`);
      assert.equal(
        n.hwType === null ? undefined : n.hwType.toString(16).padStart(4, "0"),
        tlvs.get(15),
        `${what} hw type`,
      );
      // NFULA_HWADDR: length (2), padding (2), then the address, padded to 8 bytes.
      const hwaddr = tlvs.get(8);
      assert.equal(
        hex(n.hwAddr),
        hwaddr === undefined ? undefined : hwaddr.slice(8, 8 + 2 * Number.parseInt(hwaddr.slice(0, 4), 16)),
        `${what} hw address`,
      );
      if (f["nflog.timestamp"].length > 0) {
        assert.ok(n.timestamp, `${what}: timestamp`);
        // tshark prints the local form; its epoch value is in the time_epoch-like column only via -t, so
        // compare the microseconds, which every form keeps.
        assert.ok(
          f["nflog.timestamp"][0].includes(`.${String(n.timestamp.microseconds).padStart(6, "0")}`),
          `${what}: ${f["nflog.timestamp"][0]}`,
        );
      } else assert.equal(n.timestamp, null, what);
      assert.equal(n.truncated, false, what);
      assert.ok(n.payload && n.payload.length > 0, what);
    });
  });
}

test("an NFLOG packet cut short: the TLVs before the cut, the payload in part, truncated", () => {
  const [packet] = readCapture(new Uint8Array(readFileSync(fixture("invalid.pcap")))).packets;
  const whole = decodeNflog(packet.data);
  const cut = decodeNflog(packet.data.subarray(0, packet.data.length - 10));
  assert.equal(cut.truncated, true);
  assert.equal(cut.prefix, whole.prefix);
  assert.deepEqual(cut.payload, whole.payload?.subarray(0, whole.payload.length - 10));
  assert.throws(() => decodeNflog(new Uint8Array([2, 0])), NflogFormatError);
  // A TLV length below its own header is damage, not a cut.
  const damaged = Uint8Array.from(packet.data);
  damaged[4] = 2;
  damaged[5] = 0;
  assert.throws(() => decodeNflog(damaged), /NFLOG TLV at byte 4 with length 2/);
});
