// Inputs of the parse benchmark (bench/parse.ts): generated packet-dump lines, and the kernel lines
// of the fixtures (test/fixtures/logs: recorded on 6.18, other kernels' spellings, messages that are
// not conntrack's, printk lines) repeated, which is closer to the mix a real log has.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { unescapeKmsg } from "../src/logs/sources/framing.js";
import { seededRandom } from "../test/support/seededRandom.js";

// Weighted shapes; {a} {b} source/destination octets, {sp} {dp} ports, {s} {k} sequence numbers.
const SHAPES: Array<[number, string]> = [
  [
    22,
    "nf_ct_proto_6: ACK is over upper bound {k} (ACKed data not seen yet) IN=eth0 OUT= MAC=02:00:00:00:23:03:02:00:00:00:23:01:08:00 SRC=10.1.{a}.{b} DST=10.2.0.{b} LEN=52 TOS=0x00 PREC=0x00 TTL=63 ID={sp} DF PROTO=TCP SPT={sp} DPT={dp} SEQ={s} ACK={k} WINDOW=502 RES=0x00 ACK URGP=0 OPT (0101080A79EBF03A6CBD354F)",
  ],
  [
    12,
    "nf_ct_proto_6: SEQ is over upper bound {k} (over the window of the receiver) IN= OUT=eth0 SRC=10.2.0.{b} DST=10.1.{a}.{b} LEN=1452 TOS=0x00 PREC=0x00 TTL=64 ID={sp} DF PROTO=TCP SPT={dp} DPT={sp} SEQ={s} ACK={k} WINDOW=8192 RES=0x00 ACK PSH URGP=0 UID=0 GID=0",
  ],
  [
    8,
    "nf_ct_proto_6: SEQ is under lower bound {k} (already ACKed data retransmitted) IN=br0 OUT= PHYSIN=vb{a} MAC=02:00:00:00:23:03:02:00:00:00:23:01:08:00 SRC=10.1.{a}.{b} DST=10.2.0.{b} LEN=40 TOS=0x00 PREC=0x00 TTL=64 ID=1 PROTO=TCP SPT={sp} DPT={dp} SEQ={s} ACK={k} WINDOW=8192 RES=0x00 ACK FIN URGP=0",
  ],
  [
    10,
    "nf_ct_proto_6: invalid tcp flag combination IN=eth0 OUT= MAC=02:00:00:00:23:03:02:00:00:00:23:01:08:00 SRC=10.1.{a}.{b} DST=10.2.0.{b} LEN=40 TOS=0x00 PREC=0x00 TTL=64 ID=1 PROTO=TCP SPT={sp} DPT={dp} SEQ={s} ACK=0 WINDOW=8192 RES=0x00 RST SYN URGP=0",
  ],
  [
    8,
    "nf_ct_proto_6: packet (index 3) in dir 0 invalid, state SYN_SENT IN= OUT=eth0 SRC=10.1.{a}.{b} DST=10.2.0.{b} LEN=40 TOS=0x00 PREC=0x00 TTL=64 ID=1 PROTO=TCP SPT={sp} DPT={dp} SEQ={s} ACK=1 WINDOW=8192 RES=0x00 ACK URGP=0 UID=0 GID=0",
  ],
  [
    6,
    "nf_ct_proto_6: invalid rst IN=eth0 OUT= MAC=02:00:00:00:23:03:02:00:00:00:23:01:08:00 SRC=10.1.{a}.{b} DST=10.2.0.{b} LEN=40 TOS=0x00 PREC=0x00 TTL=64 ID=1 PROTO=TCP SPT={sp} DPT={dp} SEQ={s} ACK={k} WINDOW=8192 RES=0x00 RST URGP=0 MARK=0x2a",
  ],
  [
    10,
    "nf_ct_proto_17: bad checksum IN=eth0 OUT= MAC=00:00:00:00:00:00:00:00:00:00:00:00:08:00 SRC=10.1.{a}.{b} DST=10.2.0.{b} LEN=32 TOS=0x00 PREC=0x00 TTL=64 ID={sp} PROTO=UDP SPT={sp} DPT=4789 LEN=12",
  ],
  [
    6,
    "nf_ct_proto_1: outer daddr 10.2.0.{b} != inner 10.2.0.{a} IN=br0 OUT= PHYSIN=vb MAC=02:00:00:00:23:03:02:00:00:00:23:01:08:00 SRC=10.1.{a}.{b} DST=10.2.0.{b} LEN=56 TOS=0x00 PREC=0x00 TTL=64 ID=1 PROTO=ICMP TYPE=3 CODE=4 [SRC=10.2.0.{a} DST=10.1.{a}.{b} LEN=28 TOS=0x00 PREC=0x00 TTL=64 ID=1 PROTO=UDP SPT={dp} DPT={sp} LEN=8 ] MTU=1280",
  ],
  [
    8,
    "nf_ct_proto_6: invalid new IN=eth0 OUT= MAC=02:00:00:00:23:03:02:00:00:00:23:01:86:dd SRC=fd00:0231:0000:0000:0000:0000:00{a}:00{b} DST=fd00:0231:0000:0000:0000:0000:0000:0002 LEN=60 TC=0 HOPLIMIT=64 FLOWLBL=0 PROTO=TCP SPT={sp} DPT={dp} SEQ={s} ACK=0 WINDOW=8192 RES=0x00 RST URGP=0",
  ],
  [
    5,
    "nf_ct_proto_58: ICMPv6 checksum failed IN=eth0 OUT= MAC=00:00:00:00:00:00:00:00:00:00:00:00:86:dd SRC=fd00:0231:0001:0000:0000:0000:00{a}:00{b} DST=fd00:0231:0001:0000:0000:0000:0000:0002 LEN=48 TC=0 HOPLIMIT=64 FLOWLBL=0 PROTO=ICMPv6 TYPE=128 CODE=0 ID={sp} SEQ={a}",
  ],
  [
    3,
    "nf_ct_proto_132: nf_ct_sctp: bad CRC  IN=eth0 OUT= MAC=00:00:00:00:00:00:00:00:00:00:00:00:08:00 SRC=10.1.{a}.{b} DST=10.2.0.{b} LEN=32 TOS=0x00 PREC=0x00 TTL=64 ID=1 PROTO=132",
  ],
  [
    2,
    "nf_ct_proto_6: {sp} bytes more than expected IN= OUT=eth0 SRC=10.1.{a}.{b} DST=10.2.0.{b} LEN=50 TOS=0x00 PREC=0x00 TTL=64 ID=1 PROTO=TCP SPT={sp} DPT={dp} SEQ={s} ACK={k} WINDOW=8192 RES=0x00 ACK PSH URGP=0 UID=0 GID=0",
  ],
];

export function packetDumpLines(count: number): string[] {
  const rnd = seededRandom(42);
  const total = SHAPES.reduce((n, [w]) => n + w, 0);
  const parts = SHAPES.map(([w, text]) => [w / total, text.split(/(\{[a-z]+\})/)] as const);
  const lines: string[] = new Array(count);
  for (let i = 0; i < count; i++) {
    let pick = rnd();
    let shape = parts[parts.length - 1][1];
    for (const [w, p] of parts) {
      if ((pick -= w) < 0) {
        shape = p;
        break;
      }
    }
    const values: Record<string, string> = {
      "{a}": String(10 + Math.floor(rnd() * 80)),
      "{b}": String(10 + Math.floor(rnd() * 80)),
      "{sp}": String(1024 + Math.floor(rnd() * 64000)),
      "{dp}": String([443, 80, 8080, 5432, 6443][Math.floor(rnd() * 5)]),
      "{s}": String(Math.floor(rnd() * 4294967295)),
      "{k}": String(Math.floor(rnd() * 4294967295)),
    };
    lines[i] = shape.map((p) => values[p] ?? p).join("");
  }
  return lines;
}

const FIXTURES = fileURLToPath(new URL("../../test/fixtures/logs/", import.meta.url));
/** The fixture files of kernel messages ("<case>TAB<message>" lines); the others hold counters and control files. */
const KERNEL_LINE_FILES = ["kernel-6.18.txt", "kernel-spellings.txt", "printk-6.1.txt"];

/** Every message of those files, kmsg escapes undone (as the corpus tests read them). */
export function fixtureMessages(): string[] {
  const messages: string[] = [];
  for (const name of KERNEL_LINE_FILES) {
    for (const line of readFileSync(FIXTURES + name, "utf8").split("\n")) {
      const tab = line.indexOf("\t");
      if (line === "" || line.startsWith("#") || tab < 0) continue;
      messages.push(unescapeKmsg(line.slice(tab + 1)));
    }
  }
  return messages;
}

/** `count` lines: the fixture messages over and over, each a string of its own (as read from a file). */
export function fixtureMix(count: number): string[] {
  const messages = fixtureMessages();
  const lines: string[] = new Array(count);
  for (let i = 0; i < count; i++) lines[i] = Buffer.from(messages[i % messages.length]).toString();
  return lines;
}
