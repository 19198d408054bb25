// Each generated script names every command and every spelling of every option the command tree
// has, so a new option completes without anyone editing the generators.
import { test } from "node:test";
import assert from "node:assert/strict";
import { buildProgram } from "../../../../src/cli/program.js";
import { SHELLS, completionScript } from "../../../../src/cli/completion/index.js";
import { completionTree } from "../../../../src/cli/completion/tree.js";

const program = buildProgram();
const tree = completionTree(program);

test("the tree holds every command and every option commander knows", () => {
  assert.deepEqual(
    tree.commands.map((c) => c.name).filter((n) => n !== "help"),
    program.commands.map((c) => c.name()),
  );
  for (const command of program.commands) {
    const mine = tree.commands.find((c) => c.name === command.name())!;
    const longs = mine.options.map((o) => o.long);
    for (const option of command.options)
      assert.ok(longs.includes(option.long), `${command.name()} ${option.long}`);
  }
});

test("paths, folders and choices are recognised from the placeholders", () => {
  const apply = tree.commands.find((c) => c.name === "apply")!;
  const value = (long: string) => apply.options.find((o) => o.long === long)!.value;
  assert.deepEqual(value("--inventory"), { kind: "file" });
  assert.deepEqual(value("--identity"), { kind: "file" });
  assert.deepEqual(value("--known-hosts"), { kind: "file" });
  assert.deepEqual(value("--ssh-config"), { kind: "file" });
  assert.deepEqual(value("--host-key-policy"), { kind: "choices", choices: ["strict", "accept-new", "off"] });
  assert.deepEqual(value("--serial"), { kind: "text" });
  assert.equal(value("--yes"), undefined);
  assert.deepEqual(apply.args[0].value, { kind: "file" });
  const run = tree.commands.find((c) => c.name === "run")!;
  assert.deepEqual(run.options.find((o) => o.long === "--out")!.value, { kind: "dir" });
  assert.deepEqual(tree.commands.find((c) => c.name === "report")!.args[0].value, { kind: "dir" });
  // help <command>: the program's command names.
  assert.deepEqual(tree.commands.find((c) => c.name === "help")!.args[0].value, {
    kind: "choices",
    choices: tree.commands.map((c) => c.name),
  });
  assert.deepEqual(tree.commands.find((c) => c.name === "validate")!.args[0], {
    name: "file",
    value: { kind: "file" },
    variadic: true,
  });
});

for (const shell of SHELLS) {
  test(`the ${shell} script lists every command and every option of each`, () => {
    const script = completionScript(program, shell);
    for (const command of program.commands) {
      assert.ok(script.includes(command.name()), `${shell}: ${command.name()}`);
      for (const option of command.options) {
        for (const spelling of [option.long, option.short].filter((s): s is string => !!s)) {
          // fish spells options without their dashes: -l inventory, -s i
          const word =
            shell === "fish"
              ? spelling.startsWith("--")
                ? `-l ${spelling.slice(2)}`
                : `-s ${spelling.slice(1)}`
              : spelling;
          assert.ok(script.includes(word), `${shell}: ${command.name()} ${word}`);
        }
      }
    }
  });
}

test("an unknown shell is an input error naming the choices", () => {
  assert.throws(() => completionScript(program, "tcsh"), {
    name: "InputError",
    message: /"tcsh".*bash, zsh, fish/,
  });
});
