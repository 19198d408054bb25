import { test } from "node:test";
import assert from "node:assert/strict";
import { buildReport } from "../../../src/report/summary.js";
import { renderMarkdown } from "../../../src/report/markdown.js";
import { renderHtml } from "../../../src/report/html.js";
import type { LogRecord } from "../../../src/logs/record.js";
import {
  baseInput,
  failedHost,
  okHost,
  recordedRecords,
  replay,
  sampleFleetInput,
} from "../../fixtures/report/sample.js";

const hosts = (n: number) =>
  Array.from({ length: n }, (_, i) => okHost(`web-${String(i + 1).padStart(2, "0")}`));
const verdictOf = (input: Parameters<typeof buildReport>[0]) => buildReport(input).verdict;
const times = <T>(n: number, make: (i: number) => T) => Array.from({ length: n }, (_, i) => make(i));

test("no records on many hosts names the window", () => {
  assert.equal(
    verdictOf(baseInput(hosts(20), [])),
    "No INVALID packets were logged on any of 20 hosts during the 5m window.",
  );
});

test("no records on a single host names the host", () => {
  assert.equal(
    verdictOf(baseInput(hosts(1), [])),
    "No INVALID packets were logged on web-01 during the 5m window.",
  );
});

test("one record: singular packet, the host named, its reason and source", () => {
  const records = [replay("tcp.invalid_flags", "web-03", 1000)];
  assert.equal(
    verdictOf(baseInput(hosts(20), records)),
    "1 TCP packet was INVALID on 1 of 20 hosts (web-03): “invalid tcp flag combination” from 10.77.0.1.",
  );
});

test("many TCP records: share of the dominant reason and its source (the issue's example)", () => {
  const records: LogRecord[] = [
    ...times(303, (i) =>
      replay("tcp.ack_over_upper_bound", `web-0${(i % 4) + 1}`, i * 500, { src: "10.1.2.3" }),
    ),
    ...times(9, (i) => replay("tcp.invalid_flags", "web-01", i * 1000)),
  ];
  assert.equal(
    verdictOf(baseInput(hosts(20), records)),
    "312 TCP packets were INVALID on 4 of 20 hosts; 97% were “ACK is over upper bound” from 10.1.2.3.",
  );
});

test("a share just below 100% is never rounded up to 100%", () => {
  const records = [
    ...times(999, (i) => replay("tcp.ack_over_upper_bound", "web-01", i)),
    replay("tcp.invalid_flags", "web-02", 5),
  ];
  assert.match(
    verdictOf(baseInput(hosts(2), records)),
    /^1,000 TCP packets were INVALID on all 2 hosts; 99% were /,
  );
});

test("all records of one reason on the only host", () => {
  const records = times(12, (i) => replay("tcp.invalid_new", "web-01", i * 1000));
  assert.equal(
    verdictOf(baseInput(hosts(1), records)),
    "12 TCP packets were INVALID on web-01; all were “invalid new” from 10.77.0.1.",
  );
});

test("mixed protocols are broken down, largest first", () => {
  assert.equal(
    verdictOf(sampleFleetInput()),
    "306 packets (261 TCP, 45 UDP) were INVALID on all 5 hosts; 78% were “ACK is over upper bound” from 10.77.0.1.",
  );
});

test("three protocols, no majority reason, several sources", () => {
  const records = [
    ...times(4, (i) => replay("udp.bad_checksum", "web-01", i, { src: `10.0.0.${i}` })),
    ...times(3, (i) => replay("tcp.invalid_flags", "web-02", i)),
    ...times(3, (i) => replay("icmp.invalid_type", "web-02", i)),
  ];
  assert.equal(
    verdictOf(baseInput(hosts(3), records)),
    "10 packets (4 UDP, 3 ICMP, 3 TCP) were INVALID on 2 of 3 hosts (web-01 and web-02); the most common reason was “bad checksum” (40%).",
  );
});

test("a source sending at least half of the dominant reason is 'mostly from'", () => {
  const records = [
    ...times(6, (i) => replay("udp.bad_checksum", "web-01", i)),
    ...times(4, (i) => replay("udp.bad_checksum", "web-01", i, { src: "10.9.9.9" })),
  ];
  assert.equal(
    verdictOf(baseInput(hosts(1), records)),
    "10 UDP packets were INVALID on web-01; all were “bad checksum” mostly from 10.77.0.1.",
  );
});

test("failed hosts are named with their kind and not counted as checked", () => {
  const records = times(5, (i) => replay("tcp.invalid_flags", "web-02", i));
  const input = baseInput(
    [
      ...hosts(18),
      failedHost("db-1", "unreachable", "connect ECONNREFUSED"),
      failedHost("db-2", "timeout", "no answer in 10s"),
    ],
    records,
  );
  assert.equal(
    verdictOf(input),
    "5 TCP packets were INVALID on 1 of 18 hosts (web-02); all were “invalid tcp flag combination” from 10.77.0.1. " +
      "2 hosts failed and were not checked: db-1 (unreachable) and db-2 (timeout).",
  );
});

test("one failed host among quiet ones", () => {
  const input = baseInput([...hosts(3), failedHost("db-1", "auth", "permission denied")], []);
  assert.equal(
    verdictOf(input),
    "No INVALID packets were logged on any of 3 hosts during the 5m window. 1 host failed and was not checked: db-1 (auth).",
  );
});

test("every host failed", () => {
  const input = baseInput([failedHost("a", "unreachable", "x"), failedHost("b", "hostkey", "y")], []);
  assert.equal(
    verdictOf(input),
    "No host could be checked; both hosts failed: a (unreachable) and b (hostkey).",
  );
});

test("many failed hosts are summarised after three names", () => {
  const input = baseInput([okHost("ok-1"), ...times(5, (i) => failedHost(`f${i}`, "timeout", "t"))], []);
  assert.match(
    verdictOf(input),
    /5 hosts failed and were not checked: f0 \(timeout\), f1 \(timeout\), f2 \(timeout\) and 2 more\.$/,
  );
});

test("printk lines are mentioned but not counted as INVALID packets", () => {
  const printk = (i: number): LogRecord => ({
    ...replay("tcp.invalid_flags", "web-01", i),
    kind: "printk",
    reason_id: "printk.sctp",
    reason: "Chunk Num: 1  Type: 0",
    l4proto: null,
    src: null,
    dst: null,
  });
  const records = [replay("tcp.invalid_flags", "web-01", 0), printk(1), printk(2)];
  assert.equal(
    verdictOf(baseInput(hosts(1), records)),
    "1 TCP packet was INVALID on web-01: “invalid tcp flag combination” from 10.77.0.1. 2 printk debug lines were collected too.",
  );
});

test("the recorded kernel lines: five reasons, three protocols on one host", () => {
  const verdict = verdictOf(baseInput([okHost("ns-server")], recordedRecords()));
  assert.equal(
    verdict,
    "11 packets (7 TCP, 3 UDP, 1 ICMP) were INVALID on ns-server; the most common reason was “ACK is over upper bound” (36%) from 10.77.0.1.",
  );
});

test("hosts sharing one kernel log: the verdict names all of them, the tables say why counts are per reader", () => {
  // web-01..03 are namespaces of one machine (one kernel log); web-04 has its own; web-05 is quiet.
  const fleet = hosts(5).map((h, i) =>
    i < 3 ? { ...h, kernelLog: "b1/kmsg" } : i === 3 ? { ...h, kernelLog: "b2/kmsg" } : h,
  );
  // Each line of the shared log was counted once, for web-01 which read it first.
  const records = times(6, (i) => replay("tcp.invalid_flags", "web-01", i * 1000));
  const report = buildReport(baseInput(fleet, records));
  assert.equal(
    report.verdict,
    "6 TCP packets were INVALID on 3 of 5 hosts (web-01, web-02 and web-03), which share one kernel log; all were “invalid tcp flag combination” from 10.77.0.1.",
  );
  assert.deepEqual(report.reasons[0].hosts, ["web-01", "web-02", "web-03"]);
  const row = (name: string) => report.hosts.find((h) => h.name === name)!;
  assert.deepEqual(row("web-02").sharedLog, ["web-01", "web-02", "web-03"]);
  assert.equal(row("web-04").sharedLog, undefined, "a kernel log of its own is not shared");
  assert.equal(row("web-02").records, 0, "counts stay per reader");
  const md = renderMarkdown(report);
  assert.match(
    md,
    /web-01, web-02 and web-03 read one kernel log \(namespaces or containers of one machine\)/,
  );
  const html = renderHtml(report);
  assert.match(html, /web-01, web-02 and web-03 read one kernel log/);
  const quiet = /Nothing logged on (\d+) hosts: <span class="hostlist">(.*?)<\/span>\.<\/p>/.exec(html);
  assert.equal(quiet?.[1], "2", "web-02 and web-03 are not quiet: web-01 read their log first");
  assert.deepEqual(quiet?.[2].match(/web-\d+/g), ["web-04", "web-05"]);
});
