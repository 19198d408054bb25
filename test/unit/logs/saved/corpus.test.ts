// Every corpus line (recorded on 6.18, and the other kernels' spellings read from their sources:
// empty IN=/OUT= before 5.15, IPv6, ICMP errors with inner packets, SCTP with its newline, UDP
// length and checksum, MARK, UID/GID) written out in every saved-log format as its tool prints it,
// then read back by `nfdebug parse`'s reader: each must give the record the kernel's own text gives.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import {
  isInvalidLine,
  isProtocolDebugLine,
  parseLogLine,
  type FullRecord,
} from "../../../../src/logs/parse.js";
import { resolveInputs } from "../../../../src/logs/saved/inputs.js";
import { readSavedInput } from "../../../../src/logs/saved/read.js";
import { corpus } from "../corpus.js";

// Lines that are not conntrack's at all ("nf_conntrack: table full…") are in the corpus to test
// parseLogLine's fallback; a saved log's reader passes over them like any other kernel message.
const lines = [...corpus("kernel-6.18.txt"), ...corpus("kernel-spellings.txt")]
  .map((l) => l.message)
  .filter((m) => isInvalidLine(m) || isProtocolDebugLine(m));
const dir = mkdtempSync(join(tmpdir(), "nfd-corpus-"));
after(() => rmSync(dir, { recursive: true, force: true }));

const at = (i: number) => new Date(Date.UTC(2026, 11, 4, 9, 0, i % 60, 0));
const monotonic = (i: number) => `[${String(100 + i).padStart(5)}.${String(i).padStart(6, "0")}]`;
const kmsgEscape = (m: string) =>
  m.replace(/[\x00-\x1f\\]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, "0")}`);
const ctime = (d: Date) => {
  const [day, mon, date, time, year] = [
    d.toUTCString().slice(0, 3),
    d.toUTCString().slice(8, 11),
    d.getUTCDate(),
    d.toISOString().slice(11, 19),
    d.getUTCFullYear(),
  ];
  return `${day} ${mon} ${String(date).padStart(2)} ${time} ${year}`;
};
// How each tool prints a message with a newline in it: dmesg indents the rest to the text's column,
// journalctl -o cat prints it as is, rsyslog escapes it as #012.
const indented = (prefix: string, m: string) => prefix + m.replaceAll("\n", `\n${" ".repeat(prefix.length)}`);

const FORMATS: Record<string, (m: string, i: number) => string> = {
  "kern.log (traditional, rsyslog)": (m, i) =>
    `Dec  4 09:00:${String(i % 60).padStart(2, "0")} edge1 kernel: ${monotonic(i)} ${m.replaceAll("\n", "#012")}`,
  "kern.log (RFC 3339, Debian 12 rsyslog)": (m, i) =>
    `${at(i).toISOString().replace("Z", "+00:00")} edge1 kernel: ${m.replaceAll("\n", "#012")}`,
  "RFC 5424": (m, i) => `<4>1 ${at(i).toISOString()} edge1 kernel - - - ${m.replaceAll("\n", "#012")}`,
  "journalctl -o short-iso": (m, i) => indented(`${at(i).toISOString().slice(0, 19)}+0000 edge1 kernel: `, m),
  "journalctl -o short-precise": (m, i) =>
    indented(`Dec 04 09:00:${String(i % 60).padStart(2, "0")}.000000 edge1 kernel: `, m),
  "journalctl -o cat": (m) => m,
  "journalctl -o json": (m, i) =>
    JSON.stringify({
      MESSAGE: m,
      _TRANSPORT: "kernel",
      _HOSTNAME: "edge1",
      __REALTIME_TIMESTAMP: `${at(i).getTime()}000`,
    }),
  dmesg: (m, i) => indented(`${monotonic(i)} `, m),
  "dmesg -r": (m, i) => indented(`<4>${monotonic(i)} `, m),
  "dmesg -x": (m, i) => indented(`kern  :warn  : ${monotonic(i)} `, m),
  "dmesg -T": (m, i) => indented(`[${ctime(at(i))}] `, m),
  "dmesg -t": (m) => m,
  "/dev/kmsg": (m, i) => `4,${1000 + i},${100_000_000 + i},-;${kmsgEscape(m)}\n SUBSYSTEM=net\n DEVICE=n2`,
};

function exportEntry(m: string, i: number): Buffer {
  const message = Buffer.from(m);
  const size = Buffer.alloc(8);
  size.writeBigUInt64LE(BigInt(message.length));
  const head = `__CURSOR=s=1;i=${i}\n__REALTIME_TIMESTAMP=${at(i).getTime()}000\n_TRANSPORT=kernel\n_HOSTNAME=edge1\n`;
  // journalctl writes a field as binary when its value has a newline (or other control bytes).
  return m.includes("\n")
    ? Buffer.concat([Buffer.from(`${head}MESSAGE\n`), size, message, Buffer.from("\n\n")])
    : Buffer.from(`${head}MESSAGE=${m}\n\n`);
}

/** What may differ between sources: where the line came from and when. */
function comparable(r: FullRecord) {
  const rest: Partial<FullRecord> = { ...r };
  delete rest.host;
  delete rest.time;
  delete rest.log_pos;
  return rest;
}

async function readBack(path: string): Promise<{ format: string; records: FullRecord[] }> {
  const records: FullRecord[] = [];
  const [input] = await resolveInputs([path]);
  const report = await readSavedInput(input, { onRecord: (r) => void records.push(r) });
  return { format: report.format, records };
}

const expected = lines.map((m) => comparable(parseLogLine(m, { host: "", time: null })));

test("the corpus has the shapes this test is about", () => {
  assert.ok(lines.length >= 110, `${lines.length} lines`);
  assert.ok(
    lines.some((m) => m.includes("\n IN=")),
    "an SCTP reason with its newline",
  );
  assert.ok(
    lines.some((m) => / IN= OUT= SRC=/.test(m)),
    "empty IN=/OUT= (before 5.15)",
  );
  assert.ok(lines.some((m) => m.includes("MARK=0x")) && lines.some((m) => m.includes(" [SRC=")));
});

for (const [name, render] of Object.entries(FORMATS)) {
  test(`every corpus line, as ${name} prints it, gives the kernel text's record`, async () => {
    const text = lines.map(render).join("\n") + "\n";
    const path = join(dir, name.replace(/\W+/g, "-"));
    writeFileSync(path, text);
    const plain = await readBack(path);
    assert.deepEqual(plain.records.map(comparable), expected);
    // The same, gzip-compressed.
    writeFileSync(`${path}.gz`, gzipSync(text));
    assert.equal((await readBack(`${path}.gz`)).records.length, expected.length);
  });
}

test("every corpus line in journalctl -o export, binary MESSAGE fields included, gives the same records", async () => {
  const path = join(dir, "export");
  writeFileSync(path, Buffer.concat(lines.map(exportEntry)));
  const back = await readBack(path);
  assert.equal(back.format, "journal-export");
  assert.deepEqual(back.records.map(comparable), expected);
  assert.ok(back.records.every((r) => r.host === "edge1" && r.time?.startsWith("2026-12-04T09:00:")));
});
