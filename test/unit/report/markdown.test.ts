import { test } from "node:test";
import assert from "node:assert/strict";
import { renderMarkdown } from "../../../src/report/markdown.js";
import { buildReport } from "../../../src/report/summary.js";
import { escapeMarkdown, markdownCode } from "../../../src/report/escape.js";
import { baseInput, failedHost, okHost, replay, sampleFleetInput } from "../../fixtures/report/sample.js";

/** Cells of a GFM table row, splitting on pipes that are not backslash-escaped. */
const cells = (row: string) => row.replace(/^\| | \|$/g, "").split(/(?<!\\) \| /);

/** Every table keeps the same number of cells in every row. */
function assertTablesAreRectangular(md: string): number {
  const lines = md.split("\n");
  let tables = 0;
  for (let i = 0; i < lines.length; i++) {
    if (!lines[i].startsWith("|") || (i > 0 && lines[i - 1].startsWith("|"))) continue;
    tables++;
    const width = cells(lines[i]).length;
    for (let j = i; j < lines.length && lines[j].startsWith("|"); j++) {
      assert.equal(cells(lines[j]).length, width, `row ${j + 1}: ${lines[j]}`);
    }
  }
  return tables;
}

test("summary.md has the essentials for a ticket", () => {
  const md = renderMarkdown(buildReport(sampleFleetInput()));
  assert.ok(md.startsWith("# nfdebug report: tcp-invalid-triage\n\n"));
  assert.match(md, /^> \*\*Question:\*\* Why do clients see connection resets to the API on port 8080\?$/m);
  assert.match(
    md,
    /^\*\*Verdict:\*\* 306 packets \(261 TCP, 45 UDP\) were INVALID on all 5 hosts; 78% were “ACK is over upper bound” from 10\.77\.0\.1\.$/m,
  );
  const headings = md.split("\n").filter((l) => l.startsWith("## "));
  assert.deepEqual(headings, [
    "## Reasons",
    "## Top flows",
    "## Per host",
    "## Changes and revert",
    "## Steps",
  ]);
  assert.match(
    md,
    /^\| `tcp\.ack_over_upper_bound` \| ACK is over upper bound \| TCP \| 240 \| 78% \| 2 \| `10\.77\.0\.1` \(100%\) \|$/m,
  );
  assert.match(
    md,
    /^\| TCP \| `10\.77\.0\.1:49026 → 10\.77\.0\.2:8080` \| 240 \| `tcp\.ack_over_upper_bound` \| web-02 and web-03 \|$/m,
  );
  assert.match(
    md,
    /^\| `web-02` \| 164 \| `tcp\.ack_over_upper_bound` 160, `tcp\.invalid_flags` 4 \| 164 \| 0 \| 0 \| 0 \| 0 \| 2 \| 146 \/ 262,144 \| 6\.18\.44 \|$/m,
  );
  assert.match(md, /^\*\*4 hosts \(web-01, web-02, web-03 and web-04\)\*\*: reverted$/m);
  assert.match(md, /^\*\*`web-05`\*\*: reverted by the host's timer$/m);
  assert.match(md, /^\| sysctl \| `net\.netfilter\.nf_conntrack_log_invalid` \| `0` \| `6` \|$/m);
  assert.match(md, /^\| module \| `nf_log_syslog` \| \(absent\) \| `loaded` \|$/m);
  assert.match(md, /^\| wait 5m \| ok \| 5m \| {2}\|$/m);
  assert.equal(assertTablesAreRectangular(md), 7);
});

test("failed hosts and a failed revert are called out", () => {
  const input = baseInput(
    [okHost("web-01", { reverted: "failed" }), failedHost("db-1", "timeout", "no answer in 10s")],
    [replay("udp.bad_checksum", "web-01", 0)],
  );
  const md = renderMarkdown(buildReport(input));
  assert.match(
    md,
    /^## Failed hosts\n\n\| Host \| Kind \| Message \|\n\| --- \| --- \| --- \|\n\| `db-1` \| timeout \| no answer in 10s \|$/m,
  );
  assert.match(md, /^\*\*`web-01`\*\*: \*\*revert failed\*\*$/m);
  assert.match(md, /1 host failed and was not checked: db-1 \(timeout\)\./);
});

test("a window its host tripped: how, and each host's measure, in the status sentence", () => {
  const trip = { at: "2026-11-25T14:03:07.000Z", kind: "rate" as const, measured: 18400, limit: "2000/s" };
  const input = baseInput(
    [
      okHost("h12", { reverted: "tripped", trip }),
      okHost("h13", { reverted: "tripped", trip: { ...trip, measured: 2500 } }),
    ],
    [replay("udp.bad_checksum", "h12", 0)],
  );
  const md = renderMarkdown(buildReport(input));
  assert.match(md, /: reverted by the host: its log budget tripped$/m);
  assert.match(md, /^- window tripped its budget on h12 at 14:03:07: 18,400 lines\/s \\> 2,000\/s$/m);
  assert.match(md, /^- window tripped its budget on h13 at 14:03:07: 2,500 lines\/s \\> 2,000\/s$/m);
  assert.doesNotMatch(md, /host's timer|\*\*reverted by the host/);
});

test("no records: says so instead of empty tables", () => {
  const md = renderMarkdown(buildReport(baseInput([okHost("web-01")], [])));
  assert.match(md, /^\*\*Verdict:\*\* No INVALID packets were logged on web-01 during the 5m window\.$/m);
  assert.match(md, /^## Reasons\n\nNo records were logged\.$/m);
  assert.match(md, /^## Top flows\n\nNo records were logged\.$/m);
});

test("hostile strings cannot inject HTML or break tables", () => {
  const evil = "<script>alert(1)</script> | `x` *y* [l](http://e)";
  const input = baseInput(
    [okHost(evil), failedHost("f|g", "remote", "line1\nline2 | </td>")],
    [replay("tcp.invalid_flags", evil, 0, { reason_id: "a|b`c", reason: "<img src=x> & |" })],
    { runbook: { name: "# <h1>", question: "<b>q</b>\n# not a heading" } },
  );
  const md = renderMarkdown(buildReport(input));
  // code spans show their content literally, so only text outside them can become markup
  const prose = md.replace(/(`+)(?!`)[\s\S]*?(?<!`)\1(?!`)/g, "");
  assert.doesNotMatch(prose, /(?<!\\)<(script|img|b>|h1>|\/td>)/);
  assert.doesNotMatch(prose, /(?<!\\)\]\(http/);
  assert.doesNotMatch(md, /^# not a heading/m);
  assertTablesAreRectangular(md);
  assert.match(md, /^# nfdebug report: \\# \\<h1\\>$/m);
});

test("markdown escaping helpers", () => {
  assert.equal(
    escapeMarkdown("a|b <c> *d* _e_ [f] `g` & ~h"),
    "a\\|b \\<c\\> \\*d\\* \\_e\\_ \\[f\\] \\`g\\` \\& \\~h",
  );
  assert.equal(escapeMarkdown("# title"), "\\# title");
  assert.equal(escapeMarkdown("- item\nnext"), "\\- item next");
  assert.equal(markdownCode("a`b|c"), "``a`b\\|c``");
  assert.equal(markdownCode("`x"), "`` `x ``");
});

test("a run over several kernels gets a per-kernel table: which reasons only some kernels log", () => {
  // web-01..03 on Debian 12's 6.1, web-04 on Debian 13's 6.12, web-05 on 6.18: only 6.12 logs
  // udp.bad_checksum here, and the ACK bursts are all on 6.1 hosts.
  const input = sampleFleetInput();
  const kernelOf: Record<string, string> = {
    "web-01": "6.1.0-50-amd64",
    "web-02": "6.1.0-50-amd64",
    "web-03": "6.1.0-50-amd64",
    "web-04": "6.12.117+deb13-amd64",
    "web-05": "6.18.44",
  };
  const report = buildReport({
    ...input,
    hosts: input.hosts.map((h) => ({ ...h, kernel: kernelOf[h.name] })),
  });
  assert.deepEqual(
    report.kernels.map((g) => [g.kernel, g.hosts.length, g.records, g.releases]),
    [
      [
        "6.1",
        3,
        report.hosts.filter((h) => kernelOf[h.name].startsWith("6.1.")).reduce((s, h) => s + h.records, 0),
        ["6.1.0-50-amd64"],
      ],
      ["6.12", 1, report.hosts.find((h) => h.name === "web-04")!.records, ["6.12.117+deb13-amd64"]],
      ["6.18", 1, report.hosts.find((h) => h.name === "web-05")!.records, ["6.18.44"]],
    ],
  );
  const md = renderMarkdown(report);
  assert.ok(md.includes("\n## Per kernel\n"), md);
  assert.match(md, /^\| Reason \| 6\.1 \(3 hosts\) \| 6\.12 \(1 host\) \| 6\.18 \(1 host\) \|$/m);
  assert.match(md, /^\| `tcp\.ack_over_upper_bound` \| 240 \| 0 \| 0 \|$/m);
  assert.match(md, /^\| `udp\.bad_checksum` \| 0 \| 45 \| 0 \|$/m);
  assertTablesAreRectangular(md);

  // One kernel (the sample as it is): no such table.
  assert.deepEqual(buildReport(sampleFleetInput()).kernels, []);
  assert.ok(!renderMarkdown(buildReport(sampleFleetInput())).includes("## Per kernel"));
});
