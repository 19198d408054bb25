// The journald reader's real snippet (sh + awk) run against a stand-in `journalctl` on PATH that
// serves test/fixtures/logs/journald-kernel-json.txt — documentation-derived entries, since no
// journald runs on this machine (the Debian VM suite exercises the real one).
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { JournaldOutputParser, journaldReadScript } from "../../../../src/logs/sources/journald.js";
import type { JournaldPosition, ReadOptions } from "../../../../src/logs/sources/types.js";
import { parseLogLine } from "../../../../src/logs/parse.js";
import { fixturePath } from "../corpus.js";
import { feed, positionScript, runSh } from "./run-script.js";

const entries = readFileSync(fixturePath("journald-kernel-json.txt"), "utf8")
  .split("\n")
  .filter((l) => l.startsWith("{"))
  .map((l) => JSON.parse(l) as { __CURSOR: string; _BOOT_ID: string });
const journalBoot = "5c1f7d2a-9e3b-4c8d-9f0a-1b2c3d4e5f60";
let dir = "";

// Serves the fixture like journalctl: --cursor=C starts at C (or, when C is gone, at the start),
// -n 1 prints the newest entry, --help mentions --output-fields. Records its arguments.
const FAKE = `#!/bin/sh
printf '%s\\n' "$*" >> "$NFD_TEST_DIR/args"
case "$*" in *--help*) echo "  --output-fields=LIST  Select fields to print in verbose/export/json modes"; exit 0;; esac
cursor=; last=
for a in "$@"; do
  case $a in --cursor=*) cursor=\${a#--cursor=};; -n) last=1;; esac
done
grep '^{' "$NFD_TEST_FIXTURE" | awk -v c="$cursor" -v last="$last" '
  { lines[NR] = $0; if (c != "" && index($0, "\\"__CURSOR\\":\\"" c "\\"") > 0) from = NR }
  END {
    if (last) { print lines[NR]; exit }
    start = (from == "") ? 1 : from
    for (i = start; i <= NR; i++) print lines[i]
  }'
exit "\${NFD_TEST_EXIT:-0}"
`;

before(() => {
  dir = mkdtempSync(join(tmpdir(), "nfdebug-journald-"));
  writeFileSync(join(dir, "journalctl"), FAKE);
  chmodSync(join(dir, "journalctl"), 0o755);
});
after(() => rmSync(dir, { recursive: true, force: true }));

function env(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return {
    ...process.env,
    PATH: `${dir}:${process.env.PATH}`,
    NFD_TEST_DIR: dir,
    NFD_TEST_FIXTURE: fixturePath("journald-kernel-json.txt"),
    ...extra,
  };
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
    readFileSync(join(dir, "args"), "utf8"),
    /-k -o json --all --no-pager --output-fields=MESSAGE,PRIORITY,SYSLOG_FACILITY,_BOOT_ID -n 1/,
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
