// Every command's --help ends with real examples and the exit codes. The examples are checked
// against the command tree (each option exists on its command) and the repository (each shipped
// file they name exists), so they cannot drift from what nfdebug accepts.
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { buildProgram } from "../../../src/cli/program.js";
import { EXIT } from "../../../src/cli/exit.js";
import { EXAMPLES } from "../../../src/cli/help.js";

const ROOT = fileURLToPath(new URL("../../../../", import.meta.url));

function helpOf(name: string): string {
  const command = buildProgram().commands.find((c) => c.name() === name)!;
  let out = "";
  command.configureOutput({ writeOut: (s) => (out += s) });
  command.outputHelp();
  return out;
}

test("every command has two or three examples, and its --help shows them and the exit codes", () => {
  const names = buildProgram().commands.map((c) => c.name());
  assert.deepEqual(Object.keys(EXAMPLES).sort(), [...names].sort());
  for (const name of names) {
    const help = helpOf(name);
    assert.match(help, /\nExamples:\n {2}\$ nfdebug /, name);
    for (const example of EXAMPLES[name]) assert.ok(help.includes(`$ ${example}`), `${name}: ${example}`);
    for (const code of Object.values(EXIT))
      assert.match(help, new RegExp(`\\n +${code}  \\S`), `${name}: exit ${code}`);
  }
});

test("each example names its own command, options that command has, and files the repository ships", () => {
  const program = buildProgram();
  for (const [name, examples] of Object.entries(EXAMPLES)) {
    const command = program.commands.find((c) => c.name() === name)!;
    const known = new Set(command.options.flatMap((o) => [o.long, o.short].filter(Boolean) as string[]));
    known.add("--help");
    assert.ok(examples.length >= 1 && examples.length <= 3, name);
    for (const example of examples) {
      const words = example.split(" ");
      assert.deepEqual(words.slice(0, 2), ["nfdebug", name], example);
      for (const word of words.slice(2)) {
        if (word.startsWith("-"))
          assert.ok(known.has(word), `${example}: ${word} is not an option of ${name}`);
        if (word.startsWith("playbooks/")) {
          const path = word.includes("*") ? dirname(word) : word;
          assert.ok(existsSync(join(ROOT, path)), `${example}: ${path} is not in the repository`);
        }
      }
    }
  }
});
