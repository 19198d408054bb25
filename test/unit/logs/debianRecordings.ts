// Outputs recorded on the Debian VMs (12: kernel 6.1.0, 13: 6.12.117; journald, CONFIG_DYNAMIC_DEBUG)
// by the VM helper: test/fixtures/debian-<kernel>/README.md says how; debian-6.1.test.ts and
// debian-6.12.test.ts run these tests on each. The source snippets run for real here, with
// stand-ins for journalctl/dd/dmesg that print the recorded output. Re-recording changes boot ids,
// cursors, ports and timestamps, so expectations are derived from the recordings themselves: what
// a line must become is decided from its text by simple rules, independently of the parser.
import { after, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parsePrintkSite } from "../../../src/kinds/printk/facts.js";
import { collectLines, type CollectOutcome } from "../../../src/logs/collect-lines.js";
import { parseConntrackS, parseConntrackStat } from "../../../src/logs/counters.js";
import { parseLogLine, type FullRecord } from "../../../src/logs/parse.js";
import { createKernelMessageClassifier } from "../../../src/logs/printk.js";
import { DmesgOutputParser, dmesgReadScript } from "../../../src/logs/sources/dmesg.js";
import { normalizeBootId } from "../../../src/logs/sources/framing.js";
import { JournaldOutputParser, journaldReadScript } from "../../../src/logs/sources/journald.js";
import { FAKE_JOURNALCTL } from "./sources/fakeJournalctl.js";
import { KmsgOutputParser, kmsgReadScript } from "../../../src/logs/sources/kmsg.js";
import { parseSyslogLine } from "../../../src/logs/sources/syslog-file.js";
import type { JournaldPosition, SourceOutputParser } from "../../../src/logs/sources/types.js";
import { fakeCommands, feed, positionScript, runSh } from "./sources/run-script.js";

/**
 * What differs between the two recordings: the day each was made (the VM's clock), and how much an
 * SCTP INIT prints (6.1: every chunk from 27 sites; 6.12: the vtags from 9).
 */
const RECORDING = {
  "debian-6.1": { day: "2026-11-25", minRecords: 12, minNetfilterSites: 80 },
  "debian-6.12": { day: "2026-12-05", minRecords: 5, minNetfilterSites: 40 },
} as const;

/** Every test below on the recordings in test/fixtures/DIR/. */
export function debianRecordingTests(dir: keyof typeof RECORDING): void {
  const { day, minRecords, minNetfilterSites } = RECORDING[dir];
  function recordingPath(name: string): string {
    for (const up of [`../../../../test/fixtures/${dir}/`, `../../../test/fixtures/${dir}/`]) {
      const candidate = fileURLToPath(new URL(up + name, import.meta.url));
      if (existsSync(candidate)) return candidate;
    }
    throw new Error(`recording not found: ${name}`);
  }
  const recorded = (name: string) => readFileSync(recordingPath(name), "utf8");

  const vmBoot = recorded("cat-proc-sys-kernel-random-boot_id.txt").trim();
  // The kmsg and dmesg snippets compare the saved boot id with this machine's: replay the VM's
  // records as if they were this boot's.
  const hostBoot = readFileSync("/proc/sys/kernel/random/boot_id", "utf8").trim();
  // The wall clock at an uptime just past the recorded tail, on the recording's day.
  const hostClock = () => {
    const uptime = Math.max(...kmsgTail.map((r) => r.usec)) / 1e6 + 1;
    return `@@clock\t${hostBoot}\t${Date.parse(`${day}T12:00:00Z`) / 1000}.0\t${uptime.toFixed(1)}`;
  };

  const sctpSites = recorded("grep-nf_conntrack_proto_sctp-proc-dynamic_debug-control.enabled.txt")
    .split("\n")
    .flatMap((l) => parsePrintkSite(l) ?? []);
  const netfilterSites = recorded("grep-netfilter-proc-dynamic_debug-control.txt")
    .split("\n")
    .flatMap((l) => parsePrintkSite(l) ?? []);
  const classify = createKernelMessageClassifier(sctpSites);

  /** What a recorded kernel message must become, decided from its text alone. */
  function expectedId(message: string, priority: number | null): string | null {
    if (message.startsWith("nf_ct_proto_6: invalid tcp flag combination ")) return "tcp.invalid_flags";
    if (message.startsWith("nf_ct_proto_17: bad checksum ")) return "udp.bad_checksum";
    if (message.startsWith("nf_ct_proto_132: nf_ct_sctp: bad CRC ")) return "sctp.bad_crc";
    if (
      priority === 7 &&
      /^(Chunk |Basic checks |SCTP_CID_|dir: |Setting vtag |Setting \d+ vtag |Unknown chunk )/.test(message)
    ) {
      return "printk.nf_conntrack";
    }
    return null;
  }

  // The recorded journal entries, in journal order (by the cursor's i= sequence number).
  interface Entry {
    __CURSOR: string;
    __REALTIME_TIMESTAMP: string;
    MESSAGE: string;
    PRIORITY: string;
    _BOOT_ID: string;
  }
  const seqOf = (e: Entry) => parseInt(/i=([0-9a-f]+)/.exec(e.__CURSOR)?.[1] ?? "0", 16);
  const journal = new Map<string, Entry>();
  for (const file of [
    "invalid.journalctl-k-o-json.jsonl",
    "printk-sctp.journalctl-k-o-json.jsonl",
    "journalctl-k-o-json-n-20--show-cursor.txt",
  ]) {
    for (const line of recorded(file).split("\n")) {
      if (line.startsWith("{")) {
        const e = JSON.parse(line) as Entry;
        journal.set(e.__CURSOR, e);
      }
    }
  }
  const entries = [...journal.values()].sort((a, b) => seqOf(a) - seqOf(b));
  const invalidEntries = recorded("invalid.journalctl-k-o-json.jsonl")
    .split("\n")
    .filter((l) => l.startsWith("{"))
    .map((l) => JSON.parse(l) as Entry);

  // kmsg records of the recorded tail: [seq, priority, message].
  const kmsgTail = recorded("dev-kmsg.tail.txt")
    .split("\n")
    .filter((l) => /^\d+,\d+,\d+,[^;]*;/.test(l))
    .map((l) => {
      const [head, ...rest] = l.split(";");
      const [prio, seq, usec] = head.split(",").map(Number);
      return { seq, usec, priority: prio & 7, message: rest.join(";") };
    });

  const journalFile = `${process.env.TMPDIR ?? "/tmp"}/nfdebug-debian-journal-${process.pid}.jsonl`;
  writeFileSync(journalFile, entries.map((e) => JSON.stringify(e)).join("\n") + "\n");
  const fakes = fakeCommands({
    journalctl: FAKE_JOURNALCTL,
    dd: `case "$*" in *count=0*) exit 0;; esac; cat "$NFD_KMSG"; echo "dd: error reading '/dev/kmsg': Resource temporarily unavailable" >&2; exit 1`,
    dmesg: `cat "$NFD_DMESG"`,
  });
  const env = {
    ...fakes.env,
    NFD_JOURNAL: journalFile,
    NFD_KMSG: recordingPath("dev-kmsg.tail.txt"),
    NFD_DMESG: recordingPath("dmesg-r-tail.txt"),
  };
  after(() => {
    fakes.cleanup();
    rmSync(journalFile, { force: true });
  });

  function collect(
    parser: SourceOutputParser,
    output: string,
  ): { records: FullRecord[]; outcome: CollectOutcome } {
    const records: FullRecord[] = [];
    const c = collectLines(parser, { host: "debvm", classify, onRecord: (r) => records.push(r) });
    for (const line of output.split("\n")) c.onLine(line);
    return { records, outcome: c.finish() };
  }

  test("the recordings hold what this test needs", () => {
    assert.equal(invalidEntries.length, 3);
    // 6.1 prints each chunk of an INIT from 27 SCTP sites; 6.12 has 9 and prints the vtags only.
    assert.ok(entries.filter((e) => e.PRIORITY === "7").length >= (dir === "debian-6.1" ? 10 : 2));
    assert.ok(
      sctpSites.length === (dir === "debian-6.1" ? 27 : 9) && sctpSites.every((s) => s.flags === "p"),
    );
  });

  test("the VM's INVALID lines (journald) parse to the expected records", () => {
    for (const e of invalidEntries) {
      const r = parseLogLine(e.MESSAGE, { host: "debvm", time: null });
      const field = (key: string) => new RegExp(` ${key}=(\\S*)`).exec(e.MESSAGE)?.[1] ?? null;
      assert.deepEqual(
        [r.reason_id, r.in, r.out, r.src, r.dst, r.sport, r.dport, r.len, r.ip_id, r.ip_flags, r.truncated],
        [
          expectedId(e.MESSAGE, 5),
          field("IN"),
          field("OUT"),
          "127.0.0.1",
          "127.0.0.1",
          Number(field("SPT")),
          Number(field("DPT")),
          Number(field("LEN")),
          Number(field("ID")),
          ["DF"],
          false,
        ],
        e.MESSAGE,
      );
      if (r.proto === "TCP") assert.deepEqual(r.flags, ["RST", "SYN"]);
      if (r.out === "lo") assert.deepEqual([r.uid, r.gid], [0, 0], "sent by a local socket");
      if (r.in === "lo") assert.equal(r.mac, "00:00:00:00:00:00:00:00:00:00:00:00:08:00");
    }
  });

  test("journald: from a cursor, INVALID and printk entries become records; nothing twice", () => {
    const start = feed(
      new JournaldOutputParser(null, { positionOnly: true }),
      runSh(positionScript({ kind: "journald", detail: null }), env),
    ).position as JournaldPosition;
    assert.equal(start.cursor, entries[entries.length - 1].__CURSOR, "the newest entry starts a window");
    assert.equal(start.boot_id, vmBoot, "journald's dashless boot id, normalised");
    assert.equal(normalizeBootId(entries[0]._BOOT_ID), vmBoot);

    const fromEntry = invalidEntries[0];
    const from: JournaldPosition = { source: "journald", boot_id: vmBoot, cursor: fromEntry.__CURSOR };
    const { records, outcome } = collect(
      new JournaldOutputParser(from),
      runSh(journaldReadScript(from), env),
    );
    assert.deepEqual([outcome.warnings, outcome.lost], [[], 0]);
    const after = entries.filter((e) => seqOf(e) > seqOf(fromEntry));
    const expected = after.flatMap((e) => {
      const id = expectedId(e.MESSAGE, Number(e.PRIORITY));
      return id ? [[id, e.__CURSOR, new Date(Number(e.__REALTIME_TIMESTAMP) / 1000).toISOString()]] : [];
    });
    assert.ok(expected.length >= minRecords, `expected records: ${expected.length}`);
    assert.deepEqual(
      records.map((r) => [r.reason_id, r.log_pos, r.time]),
      expected,
    );

    if (dir === "debian-6.1") {
      const chunk = records.find((r) => r.reason?.startsWith("Chunk Num: "));
      assert.deepEqual(
        [chunk?.kind, chunk?.details, chunk?.printk?.func, chunk?.printk?.line, chunk?.l4proto],
        ["printk", { arg1: 0, arg2: 1 }, "do_basic_checks", 164, 132],
      );
    } else {
      // 6.12: no do_basic_checks site; sctp_new says which vtag the new connection gets.
      const created = records.find(
        (r) => r.reason?.startsWith("Setting vtag ") && r.reason.endsWith(" for new conn"),
      );
      assert.deepEqual(
        [created?.kind, created?.printk?.func, created?.printk?.line],
        ["printk", "sctp_new", 278],
      );
    }
    // Three sites print "Setting vtag %x for dir %d": the function is known, the line is not.
    const vtag = records.find((r) => r.reason?.startsWith("Setting vtag ") && r.reason.includes(" for dir "));
    assert.equal(vtag?.printk?.func, "nf_conntrack_sctp_packet");
    assert.equal(vtag?.printk?.line, null);
    assert.equal(vtag?.details?.arg2, 1);
    assert.equal((outcome.position as JournaldPosition).cursor, entries[entries.length - 1].__CURSOR);

    const position = outcome.position as JournaldPosition;
    const again = collect(new JournaldOutputParser(position), runSh(journaldReadScript(position), env));
    assert.deepEqual([again.records.length, again.outcome.warnings], [0, []]);
  });

  test("/dev/kmsg: the recorded tail through the real snippet (printk at priority 7, INVALID at 5)", () => {
    const firstInvalid = kmsgTail.find((r) => r.message.startsWith("nf_ct_proto_"));
    assert.ok(firstInvalid);
    const from = { source: "kmsg" as const, boot_id: hostBoot, seq: firstInvalid.seq - 1 };
    const output = runSh(kmsgReadScript(from), env).replace(/^@@clock\t[^\n]*/, hostClock());
    const { records, outcome } = collect(new KmsgOutputParser(from), output);
    assert.deepEqual(outcome.position, {
      source: "kmsg",
      boot_id: hostBoot,
      seq: kmsgTail[kmsgTail.length - 1].seq,
    });
    const expected = kmsgTail
      .filter((r) => r.seq > from.seq)
      .flatMap((r) => {
        const id = expectedId(r.message, r.priority);
        return id ? [[String(r.seq), id]] : [];
      });
    assert.ok(expected.length >= minRecords, `expected records: ${expected.length}`);
    assert.deepEqual(
      records.map((r) => [r.log_pos, r.reason_id]),
      expected,
    );
    assert.ok(records.every((r) => r.time !== null && r.time.startsWith(`${day}T`)));
  });

  test("dmesg -r: the recorded tail through the real snippet", () => {
    const lines = recorded("dmesg-r-tail.txt")
      .split("\n")
      .filter((l) => l.startsWith("<"));
    const ts = (l: string) => /\[\s*(\d+)\.(\d+)\]/.exec(l) ?? ["", "0", "0"];
    const [, sec, micro] = ts(lines[0]);
    const from = {
      source: "dmesg" as const,
      boot_id: hostBoot,
      usec: Number(sec) * 1e6 + Number(micro),
      same: 1,
    };
    const output = runSh(dmesgReadScript(from), env).replace(/^@@clock\t[^\n]*/, hostClock());
    const { records, outcome } = collect(new DmesgOutputParser(from), output);
    const expected = lines.slice(1).flatMap((l) => {
      const message = l.slice(l.indexOf("] ") + 2);
      const id = expectedId(message, Number(/^<(\d+)>/.exec(l)?.[1]) & 7);
      return id ? [id] : [];
    });
    assert.deepEqual(
      records.map((r) => r.reason_id),
      expected,
    );
    const [, lastSec, lastMicro] = ts(lines[lines.length - 1]);
    assert.deepEqual(outcome.position, {
      source: "dmesg",
      boot_id: hostBoot,
      usec: Number(lastSec) * 1e6 + Number(lastMicro),
      same: 1,
    });
  });

  test("journalctl's short format parses as a syslog line; the kernel's text is unchanged", () => {
    for (const line of recorded("invalid.journalctl-k.txt")
      .split("\n")
      .filter((l) => l.includes(" kernel: "))) {
      // A syslog line has no year: read it a few days after the recording.
      const parsed = parseSyslogLine(line, new Date(Date.parse(`${day}T00:00:00Z`) + 6 * 86_400_000));
      assert.match(parsed?.time ?? "", new RegExp(`^${day}T\\d\\d:\\d\\d:\\d\\d\\.000Z$`));
      assert.equal(
        parseLogLine(parsed?.message ?? "", { host: "debvm", time: parsed?.time ?? null }).reason_id,
        expectedId(parsed?.message ?? "", 5),
      );
    }
  });

  test("all of the VM's netfilter printk sites compile, and the SCTP messages match only SCTP sites", () => {
    assert.ok(netfilterSites.length >= minNetfilterSites, String(netfilterSites.length));
    const all = createKernelMessageClassifier(netfilterSites);
    for (const e of entries.filter((x) => x.PRIORITY === "7" && expectedId(x.MESSAGE, 7))) {
      const c = all(e.MESSAGE);
      assert.ok(c && c.kind === "printk", e.MESSAGE);
      assert.equal(c.site.file, "net/netfilter/nf_conntrack_proto_sctp.c", e.MESSAGE);
    }
    assert.equal(all("cfg80211: failed to load regulatory.db"), null);
  });

  test("the VM's counters: /proc/net/stat/nf_conntrack and conntrack -S agree", () => {
    const stat = parseConntrackStat(recorded("cat-proc-net-stat-nf_conntrack.txt"));
    const s = parseConntrackS(recorded("conntrack-S.txt"));
    assert.equal(stat.totals.invalid, s.totals.invalid);
    assert.equal(stat.totals.invalid, 3, "the three INVALID packets sent");
    assert.equal(stat.perCpu.length, s.cpus);
  });
}
