// The journald reader's real snippet (sh + awk) run against a stand-in `journalctl` on PATH
// (fakeJournalctl.ts) that serves test/fixtures/logs/journald-kernel-json.txt, documentation-derived
// entries (the namespace-host integration tests and the Debian VM suite read real journals).
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { JournaldOutputParser, journaldReadScript } from "../../../../src/logs/sources/journald.js";
import type { JournaldPosition, ReadOptions } from "../../../../src/logs/sources/types.js";
import { parseLogLine } from "../../../../src/logs/parse.js";
import { fixturePath } from "../corpus.js";
import { FAKE_JOURNALCTL } from "./fakeJournalctl.js";
import { fakeCommands, feed, positionScript, runSh } from "./run-script.js";

const entries = readFileSync(fixturePath("journald-kernel-json.txt"), "utf8")
  .split("\n")
  .filter((l) => l.startsWith("{"))
  .map((l) => JSON.parse(l) as { __CURSOR: string; _BOOT_ID: string });
const journalBoot = "5c1f7d2a-9e3b-4c8d-9f0a-1b2c3d4e5f60";

let fake: ReturnType<typeof fakeCommands>;
before(() => {
  fake = fakeCommands({ journalctl: FAKE_JOURNALCTL });
});
after(() => fake.cleanup());

function env(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return { ...fake.env, NFD_JOURNAL: fixturePath("journald-kernel-json.txt"), ...extra };
}

function read(from: JournaldPosition | null, options: ReadOptions = {}, extra: NodeJS.ProcessEnv = {}) {
  return feed(new JournaldOutputParser(from, options), runSh(journaldReadScript(from, options), env(extra)));
}

test("the start position is the newest entry's cursor", () => {
  const r = feed(
    new JournaldOutputParser(null, { positionOnly: true }),
    runSh(positionScript({ kind: "journald", detail: null }), env()),
  );
  assert.deepEqual(r.position, { source: "journald", boot_id: journalBoot, cursor: entries[4].__CURSOR });
  assert.equal(r.list.length, 0);
  assert.match(
    readFileSync(join(fake.env.NFD_FAKE_DIR ?? "", "args"), "utf8"),
    /-k -o export --all --no-pager --output-fields=MESSAGE,PRIORITY,SYSLOG_FACILITY -n 1/,
  );
});

test("from a cursor: the saved entry is skipped, the rest come back with time, priority and text", () => {
  const from: JournaldPosition = { source: "journald", boot_id: journalBoot, cursor: entries[1].__CURSOR };
  const r = read(from);
  assert.deepEqual(r.warnings, []);
  assert.equal(r.lost, 0);
  assert.deepEqual(
    r.list.map((i) => [i.pos, i.time, i.priority, i.facility]),
    [
      [entries[2].__CURSOR, "2023-11-14T22:13:20.500Z", 6, 0],
      [entries[3].__CURSOR, "2023-11-14T22:13:20.750Z", 5, 0],
      [entries[4].__CURSOR, "2023-11-14T22:13:21.000Z", 7, 0],
    ],
  );
  assert.equal(
    r.list[1].message,
    "nf_ct_proto_6: invalid rst IN=eth0 OUT= \ufffd\ufffd",
    "byte-array MESSAGE decoded",
  );
  assert.equal(
    parseLogLine(r.list[1].message, { host: "vm", time: r.list[1].time }).reason_id,
    "tcp.invalid_rst",
  );
  assert.deepEqual(r.position, { source: "journald", boot_id: journalBoot, cursor: entries[4].__CURSOR });
  const again = read(r.position as JournaldPosition);
  assert.deepEqual(
    [again.list.length, again.warnings],
    [0, []],
    "a second read from the new position: nothing new",
  );
});

test("a cursor the journal no longer has: everything is read and lines may be missing", () => {
  const gone = entries[0].__CURSOR.replace(/i=[0-9a-f]+/, "i=1");
  const r = read({ source: "journald", boot_id: journalBoot, cursor: gone });
  assert.equal(r.list.length, 5);
  assert.equal(r.lost, null);
  assert.match(r.warnings.join("\n"), /no longer in the journal/);
});

test("a cursor from another boot (its b= field): said as a reboot", () => {
  const oldBoot = "00000000000040008000000000000000";
  const r = read({
    source: "journald",
    boot_id: "00000000-0000-4000-8000-000000000000",
    cursor: `s=0;i=1;b=${oldBoot};m=0;t=0;x=0`,
  });
  assert.equal(r.list.length, 5);
  assert.equal(r.lost, null);
  assert.match(
    r.warnings.join("\n"),
    /rebooted since the saved position \(boot 00000000-0000-4000-8000-000000000000\)/,
  );
});

test("a filter passes only matching entries; the position still advances over the others", () => {
  const from: JournaldPosition = { source: "journald", boot_id: journalBoot, cursor: entries[0].__CURSOR };
  const r = read(from, { contains: ["nf_ct_proto_"] });
  assert.deepEqual(
    r.list.map((i) => i.pos),
    [entries[1].__CURSOR],
  );
  assert.equal((r.position as JournaldPosition).cursor, entries[4].__CURSOR);
});

test("an end cursor bounds the read", () => {
  const from: JournaldPosition = { source: "journald", boot_id: journalBoot, cursor: entries[0].__CURSOR };
  const until: JournaldPosition = { source: "journald", boot_id: journalBoot, cursor: entries[2].__CURSOR };
  const r = read(from, { until });
  assert.deepEqual(
    r.list.map((i) => i.pos),
    [entries[1].__CURSOR, entries[2].__CURSOR],
  );
  assert.equal((r.position as JournaldPosition).cursor, entries[2].__CURSOR);
});

test("journalctl failing is reported", () => {
  const r = read(
    { source: "journald", boot_id: journalBoot, cursor: entries[4].__CURSOR },
    {},
    { NFD_TEST_EXIT: "1" },
  );
  assert.match(r.warnings.join("\n"), /journalctl failed \(exit status 1\)/);
});

test("cursors are validated and quoted before they reach the shell", () => {
  for (const bad of ["x'; touch /tmp/pwned; '", "$(id)", "a b", "s=1\ni=2"]) {
    assert.throws(() => journaldReadScript({ source: "journald", boot_id: null, cursor: bad }), /cursor/);
  }
  assert.throws(() => feed(new JournaldOutputParser(null), "@@clock\tx\t1\t1\n"), /incomplete/);
});

test("a message the export format writes as binary (a newline, an empty line) is read again as JSON", () => {
  const [first, second] = entries;
  const sctp = "nf_ct_proto_132: do_basic_checks failed\n\nIN=eth0 OUT= SRC=192.0.2.1";
  const journal = join(fake.env.NFD_FAKE_DIR ?? "", "binary.jsonl");
  writeFileSync(
    journal,
    [{ ...first, MESSAGE: sctp }, second].map((e) => JSON.stringify(e)).join("\n") + "\n",
  );
  const r = read(null, {}, { NFD_JOURNAL: journal });
  assert.deepEqual(r.warnings, []);
  assert.deepEqual(
    r.list.map((i) => [i.pos, i.message]),
    [
      [first.__CURSOR, sctp],
      [second.__CURSOR, (second as unknown as { MESSAGE: string }).MESSAGE],
    ],
    "the binary entry whole, and the entry after it read as usual",
  );
});
