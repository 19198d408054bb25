import { test } from "node:test";
import assert from "node:assert/strict";
import {
  colourEnabled,
  createStyle,
  renderTable,
  stripAnsi,
  truncate,
  visibleWidth,
} from "../../../src/report/terminal.js";
import { renderTerminalSummary } from "../../../src/report/terminal-summary.js";
import { buildReport } from "../../../src/report/summary.js";
import { baseInput, failedHost, okHost, sampleFleetInput } from "../../fixtures/report/sample.js";

test("colour only on a TTY, never with NO_COLOR (any value) or TERM=dumb", () => {
  assert.equal(colourEnabled({ isTTY: true, env: {} }), true);
  assert.equal(colourEnabled({ isTTY: false, env: {} }), false);
  assert.equal(colourEnabled({ isTTY: true, env: { NO_COLOR: "1" } }), false);
  assert.equal(colourEnabled({ isTTY: true, env: { NO_COLOR: "" } }), false);
  assert.equal(colourEnabled({ isTTY: true, env: { NO_COLOR: "0" } }), false);
  assert.equal(colourEnabled({ isTTY: true, env: { TERM: "dumb" } }), false);
});

test("styles are identity without colour and SGR codes with it", () => {
  const off = createStyle({ isTTY: true, env: { NO_COLOR: "" } });
  assert.equal(off.red("x"), "x");
  assert.equal(off.enabled, false);
  const on = createStyle({ isTTY: true, env: {} });
  assert.equal(on.red("x"), "\x1b[31mx\x1b[39m");
  assert.equal(on.bold("x"), "\x1b[1mx\x1b[22m");
});

test("tables align columns, right-align numbers with separators", () => {
  const out = renderTable(
    [{ header: "HOST" }, { header: "RECORDS" }, { header: "NOTE" }],
    [
      ["web-01", 12345, "busy"],
      ["a-much-longer-name", 7, ""],
    ],
  );
  assert.equal(
    out,
    [
      "HOST                RECORDS  NOTE",
      "web-01               12,345  busy",
      "a-much-longer-name        7",
    ].join("\n") + "\n",
  );
});

test("tables truncate long cells and fit a terminal width", () => {
  const rows: Array<[string, string]> = [["x".repeat(40), "y".repeat(40)]];
  const capped = renderTable([{ header: "A", maxWidth: 10 }, { header: "B" }], rows);
  assert.equal(capped.split("\n")[1], `${"x".repeat(9)}…  ${"y".repeat(40)}`);
  const fitted = renderTable([{ header: "A" }, { header: "B" }], rows, { width: 50 });
  for (const line of fitted.trimEnd().split("\n")) assert.ok(visibleWidth(line) <= 50, line);
  assert.equal(truncate("abcdef", 4), "abc…");
  assert.equal(truncate("abc", 4), "abc");
});

test("coloured cells keep the alignment; control characters from data never reach the terminal", () => {
  const style = createStyle({ isTTY: true, env: {} });
  const out = renderTable(
    [{ header: "HOST", paint: (t) => style.red(t) }, { header: "N" }],
    [
      ["evil\x1b[2Jhost", 1],
      ["ok", 22],
    ],
    { style },
  );
  assert.ok(!out.includes("\x1b[2J"));
  const lines = stripAnsi(out).trimEnd().split("\n");
  assert.deepEqual(lines, ["HOST           N", "evil?[2Jhost   1", "ok            22"]);
  assert.ok(out.includes("\x1b[31mok\x1b[39m"));
});

test("the collect summary for the terminal: verdict, reasons, hosts with counters, outcomes", () => {
  const input = sampleFleetInput();
  input.hosts.push(failedHost("db-1", "unreachable", "connect ECONNREFUSED"));
  const out = renderTerminalSummary(buildReport(input), { style: createStyle({ isTTY: false, env: {} }) });
  const lines = out.split("\n");
  assert.match(lines[0], /^Verdict: 306 packets \(261 TCP, 45 UDP\) were INVALID on all 5 hosts; 78% were/);
  assert.ok(lines.includes("REASON                    PROTO  RECORDS  HOSTS  TOP FLOW"));
  assert.ok(
    lines.includes("tcp.ack_over_upper_bound  TCP        240      2  10.77.0.1:49026 → 10.77.0.2:8080"),
  );
  assert.ok(
    lines.some((l) => /^web-02\s+164\s+tcp\.ack_over_upper_bound\s+164\s+0\s+0\s+6\.18\.44$/.test(l)),
    out,
  );
  assert.ok(
    lines.some((l) => /^db-1 \(failed\)\s+0\s+—\s+—\s+—$/.test(l)),
    out,
  );
  assert.ok(lines.includes("failed db-1: unreachable: connect ECONNREFUSED"));
  assert.ok(lines.includes("reverted: 3 changes on web-01, web-02, web-03 and web-04"));
  assert.ok(lines.includes("reverted by the host's timer: 3 changes on web-05"));
});

test("the terminal summary of an empty run", () => {
  const out = renderTerminalSummary(buildReport(baseInput([okHost("web-01")], [])), {
    style: createStyle({ isTTY: false, env: {} }),
  });
  assert.match(out, /^Verdict: No INVALID packets were logged on web-01 during the 5m window\.\n/);
  assert.doesNotMatch(out, /^REASON/m);
  assert.match(out, /^web-01\s+0\s+0\s+0\s+0\s+6\.18\.44$/m);
});
