// nfdebug(1) is written from the command tree: every command and option is in it, and groff
// renders it without a warning.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { buildProgram } from "../../../src/cli/program.js";
import { manPage, roffText } from "../../../src/cli/manPage.js";

const page = manPage(buildProgram(), "9.9.9", "2026-12-04");

function rendered(): string {
  // -ww: every warning; -z: no output device, only the diagnostics.
  const warnings = execFileSync("groff", ["-man", "-ww", "-z"], {
    input: page,
    encoding: "utf8",
    stdio: "pipe",
  });
  assert.equal(warnings, "");
  return execFileSync("groff", ["-man", "-Tutf8", "-P", "-cbou"], { input: page, encoding: "utf8" });
}

test("roff text: backslashes, dashes and a leading dot or quote print literally", () => {
  assert.equal(roffText("--for <d>"), "\\-\\-for <d>");
  assert.equal(roffText(".hidden"), "\\&.hidden");
  assert.equal(roffText("'quoted"), "\\&'quoted");
  assert.equal(roffText("a\\b"), "a\\eb");
});

test("the manual names every command and option, the examples and the exit codes, and renders cleanly", () => {
  const text = rendered();
  assert.match(text, /^NFDEBUG\(1\)/m);
  for (const command of buildProgram().commands) {
    assert.ok(text.includes(`nfdebug ${command.name()}`), command.name());
    for (const option of command.options.filter((o) => !o.hidden))
      assert.ok(text.includes(option.long ?? option.short ?? ""), `${command.name()} ${option.flags}`);
  }
  assert.ok(text.includes("$ nfdebug apply playbooks/profiles/tcp-invalid.yaml"));
  assert.match(text, /EXIT STATUS[\s\S]*130[\s\S]*interrupted/);
});
