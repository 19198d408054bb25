import { test } from "node:test";
import assert from "node:assert/strict";
import { renderHtml } from "../../../src/report/html.js";
import { buildReport } from "../../../src/report/summary.js";
import { escapeHtml } from "../../../src/report/escape.js";
import { baseInput, failedHost, okHost, replay, sampleFleetInput } from "../../fixtures/report/sample.js";

const seriesIds = (html: string) =>
  [...html.matchAll(/<g class="series" data-series="([^"]*)"/g)].map((m) => m[1]);
const sectionIds = (html: string) => [...html.matchAll(/<section id="([^"]+)">/g)].map((m) => m[1]);

test("a full report has every section, in reading order", () => {
  const html = renderHtml(buildReport(sampleFleetInput()));
  assert.ok(html.startsWith('<!DOCTYPE html>\n<html lang="en">'));
  assert.deepEqual(sectionIds(html), [
    "question",
    "verdict",
    "timeline",
    "reasons",
    "hosts",
    "flows",
    "counters",
    "changes",
    "steps",
  ]);
  assert.match(
    html,
    /<blockquote class="question">Why do clients see connection resets to the API on port 8080\?<\/blockquote>/,
  );
  assert.match(
    html,
    /<p class="verdict" id="verdict-text">306 packets \(261 TCP, 45 UDP\) were INVALID on all 5 hosts; 78% were “ACK is over upper bound” from 10\.77\.0\.1\.<\/p>/,
  );
  assert.equal(html.split("<section").length, html.split("</section>").length);
});

test("self-contained: no scripts, nothing fetched from anywhere", () => {
  const html = renderHtml(buildReport(sampleFleetInput()));
  assert.doesNotMatch(html, /<script/i);
  assert.doesNotMatch(html, /<[^>]+\s(src|href)=/i);
  assert.doesNotMatch(html, /url\(|@import|<link/i);
  assert.match(html, /<style>[\s\S]+<\/style>/);
});

test("the chart has one series group per reason, with a legend and time ticks", () => {
  const report = buildReport(sampleFleetInput());
  const html = renderHtml(report);
  assert.deepEqual(seriesIds(html), ["tcp.ack_over_upper_bound", "udp.bad_checksum", "tcp.invalid_flags"]);
  const svg = html.slice(html.indexOf("<svg"), html.indexOf("</svg>"));
  assert.equal(
    svg.match(/<rect /g)?.length,
    report.timeline.series.reduce((n, s) => n + s.values.filter((v) => v > 0).length, 0),
  );
  for (const label of ["12:10", "12:12", "12:15", "time (UTC)", "records per 5s"])
    assert.ok(svg.includes(`>${label}</text>`), label);
  assert.match(html, /<ul class="legend">.*tcp\.ack_over_upper_bound.*<b>240<\/b>/);
});

test("heat table: hosts by records, coloured cells, quiet hosts named", () => {
  const input = sampleFleetInput();
  input.hosts.push(okHost("web-06"));
  const html = renderHtml(buildReport(input));
  const heat = html.slice(
    html.indexOf('<table class="heat">'),
    html.indexOf("</table>", html.indexOf('<table class="heat">')),
  );
  const rows = [...heat.matchAll(/<tr><td class="mono host" title="([^"]+)">\1<\/td>/g)].map((m) => m[1]);
  assert.deepEqual(rows, ["web-02", "web-03", "web-04", "web-01", "web-05"]);
  assert.match(heat, /<td class="cell" style="background:rgba\(207,34,46,0\.90\);color:#fff">160<\/td>/);
  assert.match(html, /Nothing logged on <span class="hostlist"><span class="nowrap">web-06<\/span><\/span>/);
});

test("counters, changes with their outcome, and steps are shown", () => {
  const html = renderHtml(buildReport(sampleFleetInput()));
  assert.match(html, /<td class="num hot">\+164<\/td>/);
  assert.match(
    html,
    /<tfoot><tr><td>Total<\/td><td><\/td><td class="num">306<\/td><td class="num">\+309<\/td>/,
  );
  assert.match(
    html,
    /<h3>4 hosts <span class="badge ok">reverted<\/span><\/h3><div class="hostlist">(<span class="nowrap">web-0\d<\/span>(, )?){4}<\/div>/,
  );
  assert.match(html, /<h3>web-05 <span class="badge warn">reverted by the host&#39;s timer<\/span><\/h3>/);
  assert.match(
    html,
    /<td class="mono">net\.netfilter\.nf_conntrack_log_invalid<\/td><td><code>0<\/code><\/td><td class="arrow">→<\/td><td><code>6<\/code><\/td>/,
  );
  assert.match(
    html,
    /<td>wait 5m<\/td><td><span class="badge ok">ok<\/span><\/td><td class="mono">12:10:00<\/td><td class="num">5m<\/td>/,
  );
});

test("a window its host tripped: a warning badge, not a failure, and the host's measure", () => {
  const trip = {
    at: "2026-11-25T14:03:07.000Z",
    kind: "lines" as const,
    measured: 5000123,
    limit: "5000000",
  };
  const html = renderHtml(buildReport(baseInput([okHost("h12", { reverted: "tripped", trip })], [])));
  assert.match(html, /reverted by the host: its log budget tripped/);
  assert.match(
    html,
    /<li>window tripped its budget on h12 at 14:03:07: 5,000,123 lines &gt; 5,000,000<\/li>/,
  );
  assert.doesNotMatch(html, /Failed hosts/);
});

test("the catalogue's explanation and usual causes appear with each reason", () => {
  const html = renderHtml(buildReport(sampleFleetInput()));
  assert.match(
    html,
    /<code>udp\.bad_checksum<\/code>\n<div>bad checksum<\/div><div class="explain">The UDP checksum is wrong \(checked in PREROUTING when nf_conntrack_checksum=1\)\.<\/div><div class="explain"><b>Usual causes:<\/b> Broken checksum offload/,
  );
});

test("failed hosts get their own section and a failed revert stands out", () => {
  const input = baseInput(
    [
      okHost("web-01", { reverted: "failed" }),
      failedHost("db-1", "unreachable", "connect ECONNREFUSED 127.0.0.1:22"),
    ],
    [replay("tcp.invalid_flags", "web-01", 0)],
  );
  const html = renderHtml(buildReport(input));
  assert.deepEqual(sectionIds(html).slice(0, 3), ["question", "verdict", "failed"]);
  assert.match(
    html,
    /<td class="mono">db-1<\/td><td><span class="badge bad">unreachable<\/span><\/td><td>connect ECONNREFUSED 127\.0\.0\.1:22<\/td>/,
  );
  assert.match(html, /<h3>web-01 <span class="badge bad">revert failed<\/span><\/h3>/);
});

test("no records: a clear message in the chart, no series, a green verdict", () => {
  const html = renderHtml(buildReport(baseInput([okHost("web-01"), okHost("web-02")], [])));
  assert.deepEqual(seriesIds(html), []);
  assert.match(html, /<svg[^>]*aria-label="No records in this window"/);
  assert.match(html, /<text class="empty"[^>]*>No records in this window<\/text>/);
  assert.match(
    html,
    /<p class="verdict clean" id="verdict-text">No INVALID packets were logged on any of 2 hosts during the 5m window\.<\/p>/,
  );
  assert.ok(!sectionIds(html).includes("reasons"));
  assert.match(
    html,
    /<section id="flows">\n<h2>Top flows<\/h2>\n<p class="muted">No records were logged\.<\/p>/,
  );
  assert.match(
    html,
    /<section id="hosts">\n<h2>Records per host and reason<\/h2>\n<p>Nothing logged on 2 hosts: /,
  );
});

test("records without time are counted in a note, not lost", () => {
  const records = [
    replay("tcp.invalid_flags", "web-01", 0),
    { ...replay("tcp.invalid_flags", "web-01", 0), time: null },
  ];
  const html = renderHtml(buildReport(baseInput([okHost("web-01")], records)));
  assert.match(html, /1 record without a time is not in the chart\./);
});

test("every string from data is escaped (hostile host, reason, raw line, question, messages)", () => {
  const evilHost = `<script>alert("host")</script>`;
  const evilReason = `"><img src=x onerror=alert('r')>`;
  const input = baseInput(
    [
      okHost(evilHost, { kernel: "6.1 <b>x</b>" }),
      failedHost(`bad'host"`, "remote", `</td></tr><script>alert(1)</script>`),
    ],
    [
      replay("tcp.invalid_flags", evilHost, 0, {
        reason_id: evilReason,
        reason: `weird & <odd> "reason"`,
        raw: `nf_ct_proto_6: weird & <odd> IN=<eth0> SRC=1.2.3.4`,
        src: `<src>`,
      }),
    ],
    {
      runbook: { name: `R&D's <runbook>`, question: `Is <i>this</i> & "that" ok?`, description: "<hr>" },
      profile: { name: `<p>rofile`, modules: ["<m>"] },
      steps: [{ name: "<step>", ok: false, startedAt: "x", endedAt: "y", message: "a<b&c" }],
      nfdebugVersion: `"><svg onload=alert(1)>`,
      reasonInfo: { [evilReason]: { label: "<u>l</u>", explanation: "<em>e</em>", hint: "<s>h</s>" } },
    },
  );
  input.hosts[0].changes = [{ knob: "<knob>", key: "k&y", from: `"`, to: `'` }];
  const html = renderHtml(buildReport(input));
  // nothing from data became markup
  assert.doesNotMatch(
    html,
    /<script|<img|<i>this|<b>x|<hr>|<odd>|<eth0>|<src>|<step>|<knob>|<m>|<p>rofile|<svg onload|<u>|<em>e|<s>/,
  );
  assert.equal(html.match(/<svg/g)?.length, 1);
  // ...and it is all still there, escaped
  for (const s of [
    evilHost,
    evilReason,
    `nf_ct_proto_6: weird & <odd> IN=<eth0> SRC=1.2.3.4`,
    `R&D's <runbook>`,
    `Is <i>this</i> & "that" ok?`,
    `</td></tr><script>alert(1)</script>`,
    "a<b&c",
    `bad'host"`,
  ]) {
    assert.ok(html.includes(escapeHtml(s)), `escaped: ${s}`);
  }
  assert.ok(html.includes(`data-series="${escapeHtml(evilReason)}"`));
  assert.equal(html.split("<tr>").length, html.split("</tr>").length);
});

test("escapeHtml covers the five characters and control characters", () => {
  assert.equal(
    escapeHtml(`<a href="x" title='y'>&</a>\u0007`),
    "&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;\ufffd",
  );
});

test("a run over several kernels has a per-kernel section before the hosts; one kernel has none", () => {
  const input = sampleFleetInput();
  const mixed = buildReport({
    ...input,
    hosts: input.hosts.map((h) => ({
      ...h,
      kernel: h.name === "web-04" ? "6.12.117+deb13-amd64" : "6.1.0-50-amd64",
    })),
  });
  const html = renderHtml(mixed);
  const ids = sectionIds(html);
  assert.ok(
    ids.indexOf("kernels") >= 0 && ids.indexOf("kernels") === ids.indexOf("hosts") - 1,
    ids.join(","),
  );
  const section = /<section id="kernels">([\s\S]*?)<\/section>/.exec(html)![1];
  assert.match(
    section,
    /<th class="num" title="6\.1\.0-50-amd64">6\.1<br><span class="muted small">4 hosts<\/span><\/th>/,
  );
  assert.match(
    section,
    /<th class="num" title="6\.12\.117\+deb13-amd64">6\.12<br><span class="muted small">1 host<\/span><\/th>/,
  );
  assert.match(
    section,
    /udp\.<wbr>bad_<wbr>checksum<\/td><td class="num zero">0<\/td><td class="num">45<\/td>/,
  );
  assert.ok(!sectionIds(renderHtml(buildReport(sampleFleetInput()))).includes("kernels"));
});
