import { test } from "node:test";
import assert from "node:assert/strict";
import { buildReport } from "../../../src/report/summary.js";
import { MAX_SERIES, OTHER_SERIES, niceStep } from "../../../src/report/timeline.js";
import { formatShare, labelFromReasonText, listNames, protocolName } from "../../../src/report/wording.js";
import {
  baseInput,
  okHost,
  recordedRecords,
  replay,
  sampleFleetInput,
  WINDOW,
} from "../../fixtures/report/sample.js";

test("per reason: counts, hosts, protocols, main source, a real example line", () => {
  const r = buildReport(sampleFleetInput());
  assert.deepEqual(
    r.reasons.map((x) => [x.id, x.count, x.hosts.length, x.protocols.join()]),
    [
      ["tcp.ack_over_upper_bound", 240, 2, "TCP"],
      ["udp.bad_checksum", 45, 1, "UDP"],
      ["tcp.invalid_flags", 21, 5, "TCP"],
    ],
  );
  assert.deepEqual(r.reasons[0].topSource, { addr: "10.77.0.1", count: 240 });
  assert.match(
    r.reasons[0].example,
    /^nf_ct_proto_6: ACK is over upper bound \d+ \(ACKed data not seen yet\) IN=s0 /,
  );
  assert.equal(r.reasons[0].label, "ACK is over upper bound");
  assert.deepEqual(r.totals, {
    records: 306,
    invalid: 306,
    printk: 0,
    protocols: [
      { name: "TCP", count: 261 },
      { name: "UDP", count: 45 },
    ],
  });
});

test("per host and per flow counts add up to the records", () => {
  const r = buildReport(sampleFleetInput());
  const web02 = r.hosts.find((h) => h.name === "web-02")!;
  assert.equal(web02.records, 164);
  assert.deepEqual(web02.byReason, { "tcp.ack_over_upper_bound": 160, "tcp.invalid_flags": 4 });
  assert.equal(
    r.hosts.reduce((s, h) => s + h.records, 0),
    306,
  );
  assert.equal(r.flowCount, 3);
  assert.deepEqual(
    r.flows.map((f) => [f.protocol, f.src, f.sport, f.dst, f.dport, f.count, f.hosts.join()]),
    [
      ["TCP", "10.77.0.1", 49026, "10.77.0.2", 8080, 240, "web-02,web-03"],
      ["UDP", "10.77.0.1", 5353, "10.77.0.2", 53, 45, "web-04"],
      ["TCP", "10.77.0.1", 40001, "10.77.0.2", 8080, 21, "web-01,web-02,web-03,web-04,web-05"],
    ],
  );
});

test("timeline: 5-minute window in 5 s buckets, one series per reason, totals preserved", () => {
  const t = buildReport(sampleFleetInput()).timeline;
  assert.equal(t.bucketMs, 5000);
  assert.equal(t.startMs, Date.parse(WINDOW.startedAt));
  assert.equal(t.endMs, Date.parse(WINDOW.endedAt));
  assert.equal(t.series.length, 3);
  for (const s of t.series) {
    assert.equal(s.values.length, 60);
    assert.equal(
      s.values.reduce((a, b) => a + b, 0),
      s.total,
    );
  }
  assert.deepEqual(
    t.series.map((s) => s.total),
    [240, 45, 21],
  );
  assert.deepEqual(
    t.ticks.map((x) => x.label),
    ["12:10", "12:11", "12:12", "12:13", "12:14", "12:15"],
  );
});

test("timeline widens to records outside the window and counts untimed ones apart", () => {
  const records = [
    replay("tcp.invalid_flags", "web-01", -90_000),
    replay("tcp.invalid_flags", "web-01", 10_000),
    { ...replay("tcp.invalid_flags", "web-01", 0), time: null },
  ];
  const t = buildReport(baseInput([okHost("web-01")], records)).timeline;
  assert.ok(t.startMs <= Date.parse(WINDOW.startedAt) - 90_000);
  assert.equal(t.untimed, 1);
  assert.equal(t.series[0].total, 2);
});

test("more reasons than the chart can show are summed into one 'other' series", () => {
  const ids = Array.from({ length: MAX_SERIES + 3 }, (_, i) => `tcp.reason_${String(i).padStart(2, "0")}`);
  const records = ids.flatMap((id, i) =>
    Array.from({ length: 20 - i }, (_, k) => ({
      ...replay("tcp.invalid_flags", "web-01", k * 1000),
      reason_id: id,
    })),
  );
  const r = buildReport(baseInput([okHost("web-01")], records));
  const series = r.timeline.series;
  assert.equal(series.length, MAX_SERIES);
  assert.equal(series.at(-1)!.id, OTHER_SERIES);
  assert.equal(series.at(-1)!.rank, -1);
  assert.equal(
    series.reduce((s, x) => s + x.total, 0),
    records.length,
  );
});

test("a host that appears only in records is kept and marked", () => {
  const r = buildReport(baseInput([okHost("web-01")], [replay("tcp.invalid_flags", "stranger", 0)]));
  const stranger = r.hosts.find((h) => h.name === "stranger")!;
  assert.equal(stranger.inInventory, false);
  assert.equal(stranger.records, 1);
});

test("an unparsed line (reason_id unknown, no reason) is kept and labelled", () => {
  const raw = "nf_ct_proto_6: something new IN=eth0";
  const r = buildReport(
    baseInput(
      [okHost("web-01")],
      [{ ...replay("tcp.invalid_flags", "web-01", 0), reason_id: "unknown", reason: null, raw }],
    ),
  );
  assert.equal(r.reasons[0].label, "unrecognised line");
  assert.equal(r.reasons[0].example, raw);
});

test("catalogue labels override labels derived from kernel text", () => {
  const r = buildReport(
    baseInput([okHost("ns-server")], recordedRecords(), {
      reasonInfo: { "tcp.invalid_new": { label: "new connection with RST", explanation: "E.", hint: "H." } },
    }),
  );
  const row = r.reasons.find((x) => x.id === "tcp.invalid_new")!;
  assert.deepEqual([row.label, row.explanation, row.hint], ["new connection with RST", "E.", "H."]);
  assert.equal(r.reasons.find((x) => x.id === "tcp.invalid_flags")!.explanation, undefined);
});

test("labels from kernel reason texts of both spellings", () => {
  assert.equal(
    labelFromReasonText("ACK is over upper bound 2905654132 (ACKed data not seen yet)"),
    "ACK is over upper bound",
  );
  assert.equal(
    labelFromReasonText("ACK is over the upper bound (ACKed data not seen yet)"),
    "ACK is over the upper bound",
  );
  assert.equal(labelFromReasonText("nf_ct_sctp: bad CRC"), "bad CRC");
  assert.equal(
    labelFromReasonText("packet (index 3) in dir 1 invalid, state ESTABLISHED"),
    "packet (index 3) in dir 1 invalid, state ESTABLISHED",
  );
  assert.equal(labelFromReasonText("bad checksum"), "bad checksum");
});

test("wording helpers", () => {
  assert.equal(formatShare(311, 312), "99%");
  assert.equal(formatShare(1, 1000), "<1%");
  assert.equal(formatShare(5, 5), "100%");
  assert.equal(formatShare(0, 5), "0%");
  assert.equal(listNames(["a"]), "a");
  assert.equal(listNames(["a", "b"]), "a and b");
  assert.equal(listNames(["a", "b", "c", "d"], 2), "a, b and 2 more");
  assert.equal(protocolName(58), "ICMPv6");
  assert.equal(protocolName(null, "udp"), "UDP");
  assert.equal(protocolName(99), "protocol 99");
});

test("niceStep picks round bucket sizes", () => {
  assert.equal(niceStep(300_000, 60), 5000);
  assert.equal(niceStep(60_000, 60), 1000);
  assert.equal(niceStep(3_600_000, 60), 60_000);
  assert.equal(niceStep(3_600_000, 8), 600_000);
});
