// Every file in test/fixtures/bad/ yields exactly the located problems in its .expected sibling,
// and the validate command rejects it with an InputError (exit 1) without touching any host.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { Command } from "commander";
import { formatProblem, InputError } from "../../../src/errors.js";
import { runValidate, validateFile } from "../../../src/cli/actions/validate.js";
import { registerValidate } from "../../../src/cli/commands/validate.js";
import { useRepoRoot } from "./repo-root.js";

useRepoRoot();
const DIR = "test/fixtures/bad";
const inputs = readdirSync(DIR)
  .filter((name) => !name.endsWith(".expected"))
  .sort();

test("the bad corpus has at least 30 inputs, each with its expected messages", () => {
  assert.ok(inputs.length >= 30, `only ${inputs.length} bad inputs`);
  for (const name of inputs)
    assert.ok(readdirSync(DIR).includes(`${name}.expected`), `${name} has no .expected`);
});

for (const name of inputs) {
  test(`bad input ${name}`, async () => {
    const expected = readFileSync(`${DIR}/${name}.expected`, "utf8").trimEnd().split("\n");
    const problems = await validateFile(`${DIR}/${name}`);
    assert.deepEqual(problems.map(formatProblem), expected);
  });
}

test("validate rejects every bad input at once with an InputError and prints each problem", async () => {
  const program = new Command().exitOverride();
  registerValidate(program);
  const files = inputs.map((name) => `${DIR}/${name}`);
  const stderr: string[] = [];
  const write = process.stderr.write;
  process.stderr.write = ((chunk: string) => stderr.push(chunk) > 0) as typeof process.stderr.write;
  try {
    await assert.rejects(program.parseAsync(["node", "nfdebug", "validate", ...files]), InputError);
  } finally {
    process.stderr.write = write;
  }
  const expected = inputs.flatMap((name) =>
    readFileSync(`${DIR}/${name}.expected`, "utf8").trimEnd().split("\n"),
  );
  assert.deepEqual(stderr.join("").trimEnd().split("\n"), expected);
});

test("--json reports every bad file as not ok with its problems", async () => {
  const out: string[] = [];
  const checks = await runValidate(
    inputs.slice(0, 3).map((name) => `${DIR}/${name}`),
    { json: true },
    { out: (t) => out.push(t), err: () => assert.fail("nothing on stderr with --json") },
  );
  const report = JSON.parse(out.join("")) as {
    command: string;
    files: Array<{ file: string; ok: boolean; problems: unknown[] }>;
  };
  assert.equal(report.command, "validate");
  assert.equal(report.files.length, 3);
  for (const [i, file] of report.files.entries()) {
    assert.equal(file.ok, false);
    assert.deepEqual(file.problems, checks[i].problems);
  }
});
