// One count per line when hosts share a kernel log, whatever order their reads interleave in, with
// memory bounded by hosts (ordered positions) rather than lines.
import { test } from "node:test";
import assert from "node:assert/strict";
import { journalOrdinals, ordinal, sharedKernelFilter } from "../../../src/engine/sharedKernel.js";
import { parseLogLine } from "../../../src/logs/parse.js";
import type { LogRecord } from "../../../src/logs/record.js";
import { seededRandom } from "../../support/seededRandom.js";

const LINE =
  "nf_ct_proto_6: invalid tcp flag combination IN= OUT=lo SRC=127.0.0.1 DST=127.0.0.1 LEN=40 TOS=0x00 PREC=0x00 TTL=64 ID=1 DF PROTO=TCP SPT=40000 DPT=8080 SEQ=1 ACK=0 WINDOW=1024 RES=0x00 RST SYN URGP=0 UID=0 GID=0 ";
const BOOT = "6b4c0e53922248b39a27932f5b6b689b";

function collector() {
  const kept: string[] = [];
  const filter = sharedKernelFilter({ record: (r: LogRecord) => void kept.push(`${r.host}@${r.log_pos}`) });
  /** kernel null: a per-host log (a syslog file). */
  const deliver = (host: string, pos: string, kernel: string | null = `${BOOT}/kmsg`) =>
    filter.record(parseLogLine(LINE, { host, time: null, log_pos: pos }), LINE, kernel ?? undefined);
  return { kept, filter, deliver };
}

test("kmsg: hosts reading overlapping ranges in any interleaving keep each line once, for the first host", () => {
  const { kept, filter, deliver } = collector();
  // h1 reads 10..14, h2 reads 12..16, h3 starts later at 15: interleaved as they would over SSH.
  const order: [string, number][] = [
    ["h1", 10],
    ["h2", 12],
    ["h1", 11],
    ["h1", 12],
    ["h2", 13],
    ["h3", 15],
    ["h2", 14],
    ["h1", 13],
    ["h2", 15],
    ["h1", 14],
    ["h2", 16],
    ["h3", 16],
  ];
  const results = order.map(([h, s]) => deliver(h, String(s)));
  assert.deepEqual(kept, ["h1@10", "h2@12", "h1@11", "h2@13", "h3@15", "h2@14", "h2@16"]);
  assert.equal(filter.duplicates, order.length - kept.length);
  assert.deepEqual(
    results.map((r) => r !== false),
    order.map(([h, s]) => kept.includes(`${h}@${s}`)),
  );
});

test("lines of other kernels (boot ids), of per-host logs and without positions are never merged", () => {
  const { kept, deliver } = collector();
  deliver("h1", "7");
  deliver("h2", "7", `${"0".repeat(32)}/kmsg`);
  deliver("h3", "7", null);
  deliver("h4", "7", null);
  assert.deepEqual(kept, ["h1@7", "h2@7", "h3@7", "h4@7"]);
});

test("journald: cursors of one journal are ordered by their entry number; other journals are apart", () => {
  const { kept, deliver } = collector();
  const cursor = (journal: string, i: number) =>
    `s=${journal};i=${i.toString(16)};b=${BOOT};m=f4241;t=66119e1d53f22;x=2d2dfa3501f6a27c`;
  const kernel = `${BOOT}/journald`;
  deliver("h1", cursor("aa11", 0x1f), kernel);
  deliver("h2", cursor("aa11", 0x1f), kernel);
  deliver("h2", cursor("aa11", 0x20), kernel);
  deliver("h1", cursor("aa11", 0x20), kernel);
  deliver("h3", cursor("bb22", 0x1f), kernel);
  assert.deepEqual(kept, [
    `h1@${cursor("aa11", 0x1f)}`,
    `h2@${cursor("aa11", 0x20)}`,
    `h3@${cursor("bb22", 0x1f)}`,
  ]);
});

test("positions without an order (dmesg timestamps) are remembered one by one", () => {
  const { kept, filter, deliver } = collector();
  const kernel = `${BOOT}/dmesg`;
  for (const h of ["h1", "h2"]) for (const ts of ["12.000001", "12.000002"]) deliver(h, ts, kernel);
  assert.deepEqual(kept, ["h1@12.000001", "h1@12.000002"]);
  assert.equal(filter.duplicates, 2);
});

test("a run of journald cursors is numbered as ordinal() numbers each one, malformed ones included", () => {
  const rnd = seededRandom(5);
  const kernels = [`${BOOT}/journald`, `${BOOT}/kmsg`, `${"0".repeat(32)}/journald`];
  const cursor = (journal: string, i: string) =>
    `s=${journal};i=${i};b=${BOOT};m=f4241;t=66119e1d53f22;x=2d2dfa3501f6a27c`;
  const variants = [
    (j: string, i: number) => cursor(j, i.toString(16)),
    (j: string, i: number) => cursor(j, i.toString(16)).split(";b=")[0], // ends after i=
    (j: string) => cursor(j, "1".repeat(13)), // too many digits
    (j: string, i: number) => cursor(j, `${i}g`), // not hex
    (j: string, i: number) => `b=${BOOT};${cursor(j, i.toString(16))}`, // s= not first
    (j: string) => cursor(j, ""),
    () => `s=;i=1`,
    (_j: string, i: number) => String(i),
  ];
  const ordinals = journalOrdinals();
  for (let k = 0; k < 5000; k++) {
    const kernel = kernels[Math.floor(rnd() * kernels.length)];
    const journal = ["aa11", "bb22", "AB", "a"][Math.floor(rnd() * 4)];
    const variant = rnd() < 0.7 ? variants[0] : variants[Math.floor(rnd() * variants.length)];
    const pos = variant(journal, Math.floor(rnd() * 2 ** 40));
    assert.deepEqual(ordinals(kernel, pos), ordinal(kernel, pos), `${kernel} ${pos}`);
  }
});
