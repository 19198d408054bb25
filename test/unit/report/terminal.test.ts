import { stripVTControlCharacters } from "node:util";
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  colourEnabled,
  createStyle,
  renderTable,
  truncate,
  visibleWidth,
} from "../../../src/report/terminal.js";

test("colour only on a TTY, never with NO_COLOR (any value) or TERM=dumb", () => {
  assert.equal(colourEnabled({ isTTY: true, env: {} }), true);
  assert.equal(colourEnabled({ isTTY: false, env: {} }), false);
  assert.equal(colourEnabled({ isTTY: true, env: { NO_COLOR: "1" } }), false);
  assert.equal(colourEnabled({ isTTY: true, env: { NO_COLOR: "" } }), false);
  assert.equal(colourEnabled({ isTTY: true, env: { NO_COLOR: "0" } }), false);
  assert.equal(colourEnabled({ isTTY: true, env: { TERM: "dumb" } }), false);
});

test("FORCE_COLOR decides when set: 0 or false turn colour off, any other value on, beating NO_COLOR", () => {
  assert.equal(colourEnabled({ isTTY: false, env: { FORCE_COLOR: "1" } }), true);
  assert.equal(colourEnabled({ isTTY: false, env: { FORCE_COLOR: "3" } }), true);
  assert.equal(colourEnabled({ isTTY: true, env: { FORCE_COLOR: "1", NO_COLOR: "1", TERM: "dumb" } }), true);
  assert.equal(colourEnabled({ isTTY: true, env: { FORCE_COLOR: "0" } }), false);
  assert.equal(colourEnabled({ isTTY: true, env: { FORCE_COLOR: "false" } }), false);
  // Empty is unset: the TTY rules apply.
  assert.equal(colourEnabled({ isTTY: false, env: { FORCE_COLOR: "" } }), false);
  assert.equal(colourEnabled({ isTTY: true, env: { FORCE_COLOR: "" } }), true);
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
  const lines = stripVTControlCharacters(out).trimEnd().split("\n");
  assert.deepEqual(lines, ["HOST           N", "evil?[2Jhost   1", "ok            22"]);
  assert.ok(out.includes("\x1b[31mok\x1b[39m"));
});
