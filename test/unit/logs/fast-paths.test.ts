// The parser's fast paths against the plain way they shortcut (src/logs/fast-paths.ts): every
// fixture line, and lines made from them by random cuts, insertions, deletions and case changes,
// must parse to the same record either way. The golden test pins the records of the fixture
// lines; this one reaches the places where a shortcut could read past a token's or a quoted
// packet's end, or take a reason for another.
import { test } from "node:test";
import assert from "node:assert/strict";
import { inspect } from "node:util";
import { decodeCanonicalDump } from "../../../src/logs/canonical-dump.js";
import { classifyReasonAt } from "../../../src/logs/classify.js";
import { fastPaths } from "../../../src/logs/fast-paths.js";
import { emptyPacketFields } from "../../../src/logs/packet-dump.js";
import { parseLogLine } from "../../../src/logs/parse.js";
import { corpus } from "./corpus.js";
import { seededRandom } from "../../support/seededRandom.js";

const FILES = [
  "kernel-6.18.txt",
  "kernel-6.12.txt",
  "kernel-6.1.txt",
  "kernel-spellings.txt",
  "printk-6.1.txt",
];
const ctx = { host: "h1", time: null };
const MUTANTS_PER_LINE = 150;

// Characters that end, start or split tokens, and ones that keys and values are made of.
const INSERTS = [
  " ",
  " ",
  "=",
  "[",
  "]",
  "(",
  ")",
  ":",
  "0",
  "7",
  "x",
  "A",
  "C",
  "K",
  "P",
  "S",
  "T",
  "U",
  "\t",
];

function mutate(line: string, rnd: () => number): string {
  let s = line;
  const edits = 1 + Math.floor(rnd() * 3);
  for (let e = 0; e < edits && s.length > 0; e++) {
    const at = Math.floor(rnd() * s.length);
    switch (Math.floor(rnd() * 6)) {
      case 0: // cut short, as a syslog line limit does
        s = s.slice(0, at);
        break;
      case 1:
        s = s.slice(0, at) + INSERTS[Math.floor(rnd() * INSERTS.length)] + s.slice(at);
        break;
      case 2:
        s = s.slice(0, at) + s.slice(at + 1);
        break;
      case 3:
        s = s.slice(0, at) + INSERTS[Math.floor(rnd() * INSERTS.length)] + s.slice(at + 1);
        break;
      case 4: {
        // A token twice.
        const end = s.indexOf(" ", at);
        const start = s.lastIndexOf(" ", at) + 1;
        const token = s.slice(start, end < 0 ? s.length : end);
        s = s.slice(0, start) + token + " " + s.slice(start);
        break;
      }
      default: {
        const to = Math.min(s.length, at + 1 + Math.floor(rnd() * 12));
        const part = s.slice(at, to);
        s = s.slice(0, at) + (rnd() < 0.5 ? part.toLowerCase() : part.toUpperCase()) + s.slice(to);
      }
    }
  }
  return s;
}

function record(message: string, fast: boolean): string {
  fastPaths.enabled = fast;
  try {
    return inspect(parseLogLine(message, ctx), { depth: Infinity, breakLength: Infinity });
  } finally {
    fastPaths.enabled = true;
  }
}

test("fast paths parse every fixture line and thousands of mangled ones as the plain way does", () => {
  const rnd = seededRandom(16);
  const lines = FILES.flatMap((f) => corpus(f)).map((l) => l.message);
  assert.ok(lines.length >= 150, `fixture lines: ${lines.length}`);
  let compared = 0;
  for (const line of lines) {
    for (let k = 0; k <= MUTANTS_PER_LINE; k++) {
      const message = k === 0 ? line : mutate(line, rnd);
      assert.equal(record(message, true), record(message, false), `differs for: ${JSON.stringify(message)}`);
      compared++;
    }
  }
  assert.ok(compared > 20_000, `compared ${compared}`);
});

test("the fast paths answer for the recorded lines (so the comparison above exercises them)", () => {
  const lines = ["kernel-6.18.txt", "kernel-6.12.txt", "kernel-6.1.txt"].flatMap((f) => corpus(f));
  let conntrack = 0;
  let answered = 0;
  for (const { message } of lines) {
    const tag = /^nf_ct_proto_(\d+): /.exec(message);
    const dump = message.indexOf(" IN=");
    if (!tag || dump < 0) continue;
    conntrack++;
    if (classifyReasonAt(Number(tag[1]), message, tag[0].length, dump) !== undefined) answered++;
  }
  assert.ok(conntrack >= 50, `recorded INVALID lines: ${conntrack}`);
  // SCTP's reasons name their tracker ("nf_ct_sctp: …") and go the plain way; nearly all others
  // are answered in the line.
  assert.ok(answered / conntrack > 0.8, `answered in the line: ${answered} of ${conntrack}`);
});

test("the canonical dump shape is read directly for most recorded TCP and UDP lines", () => {
  const lines = ["kernel-6.18.txt", "kernel-6.12.txt", "kernel-6.1.txt"].flatMap((f) => corpus(f));
  let tcpUdp = 0;
  let answered = 0;
  const shapes = new Set<string>();
  for (const { message } of lines) {
    const dump = message.indexOf(" IN=");
    if (!/^nf_ct_proto_(6|17): /.test(message) || dump < 0) continue;
    tcpUdp++;
    const p = emptyPacketFields();
    if (!decodeCanonicalDump(message, dump + 1, p)) continue;
    answered++;
    shapes.add(
      [p.family, p.proto, p.mac !== null, p.physin !== null, p.tcp_opt !== null, p.uid !== null].join(),
    );
  }
  assert.ok(tcpUdp >= 40, `recorded TCP and UDP lines: ${tcpUdp}`);
  assert.ok(answered / tcpUdp > 0.6, `read directly: ${answered} of ${tcpUdp}`);
  // Both families, both protocols, with and without MAC=, options and UID/GID.
  assert.ok(shapes.size >= 6, `shapes read directly: ${[...shapes].join(" | ")}`);
});

test("a dump off the canonical shape is left to the token decoder, untouched", () => {
  const base =
    "IN=eth0 OUT= MAC=02:00:00:00:23:03:02:00:00:00:23:01:08:00 SRC=10.1.2.3 DST=10.2.0.4 LEN=40 TOS=0x00 " +
    "PREC=0x00 TTL=64 ID=1 DF PROTO=TCP SPT=1 DPT=2 SEQ=3 ACK=4 WINDOW=5 RES=0x00 ACK URGP=0 ";
  assert.equal(decodeCanonicalDump(base, 0, emptyPacketFields()), true);
  for (const off of [
    base.replace("ID=1 DF", "ID=1 DF DF"), // a flag twice
    base.replace("ID=1 DF", "ID=1 DF FRAG:0"), // a fragment
    base.replace("TTL=64", "TTL=6x4"), // not a number
    base.replace("SEQ=3 ", ""), // a key missing
    base.replace("URGP=0 ", "URGP=0 OPT ( FRAG:0 )"), // an extension header
    base.slice(0, -20), // cut short
    base.replace("PROTO=TCP", "PROTO=ICMP"),
    base + "TRUNCATED",
    // An ICMP error quoting a packet.
    base.replace(/PROTO=TCP .*/, "PROTO=ICMP TYPE=3 CODE=1 [SRC=10.2.0.4 DST=10.1.2.3 LEN=40 ] "),
  ]) {
    const p = emptyPacketFields();
    assert.equal(decodeCanonicalDump(off, 0, p), false, off);
    assert.deepEqual(p, emptyPacketFields(), off);
  }
  // The protocols the shape does hold besides TCP and UDP: ICMP echoes, and ones named by number.
  const echo = emptyPacketFields();
  assert.equal(
    decodeCanonicalDump(
      base.replace(/PROTO=TCP .*/, "PROTO=ICMPv6 TYPE=128 CODE=0 ID=7 SEQ=9 UID=0 GID=0"),
      0,
      echo,
    ),
    true,
  );
  assert.deepEqual(
    [echo.proto, echo.icmp_type, echo.icmp_code, echo.icmp, echo.uid],
    ["ICMPv6", 128, 0, { id: 7, seq: 9 }, 0],
  );
  const sctp = emptyPacketFields();
  assert.equal(decodeCanonicalDump(base.replace(/PROTO=TCP .*/, "PROTO=132 MARK=0x2a "), 0, sctp), true);
  assert.deepEqual([sctp.proto, sctp.mark, sctp.sport, sctp.truncated], ["132", "0x2a", null, false]);
});

test("numbers of any length read in the canonical shape as the plain way reads them", () => {
  const line =
    "nf_ct_proto_6: invalid rst IN=eth0 OUT= MAC=02:00:00:00:23:03:02:00:00:00:23:01:08:00 SRC=10.1.2.3 DST=10.2.0.4 " +
    "LEN=40 TOS=0x00 PREC=0x00 TTL=64 ID=1 DF PROTO=TCP SPT=1 DPT=2 SEQ=3 ACK=4 WINDOW=5 RES=0x00 RST URGP=0 UID=0 GID=0";
  for (const key of ["LEN", "TTL", "ID", "SPT", "DPT", "SEQ", "ACK", "WINDOW", "URGP", "UID", "GID"]) {
    for (const digits of ["999999999", "1000000000", "4294967295", "12345678901234567890", "0000000000042"]) {
      const message = line.replace(new RegExp(`\\b${key}=\\d+`), `${key}=${digits}`);
      assert.notEqual(message, line);
      const fast = record(message, true);
      assert.equal(fast, record(message, false), message);
    }
  }
});
