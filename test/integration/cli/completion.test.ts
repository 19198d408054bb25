// The generated completion scripts, loaded into real shells and asked to complete: bash through
// COMP_WORDS/COMP_CWORD and the completion function, fish through `complete -C`, zsh through an
// interactive shell on a pseudo-terminal that is sent TAB (zshComplete.zsh). No network.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync, rmSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { buildProgram } from "../../../src/cli/program.js";
import { completionScript } from "../../../src/cli/completion/index.js";

const ZSH_COMPLETE = fileURLToPath(
  new URL("../../../../test/integration/cli/zshComplete.zsh", import.meta.url),
);
const BASH_COMPLETE = fileURLToPath(
  new URL("../../../../test/integration/cli/bashComplete.zsh", import.meta.url),
);

function has(shell: string): boolean {
  return spawnSync("sh", ["-c", `command -v ${shell}`]).status === 0;
}

/** A temp folder with the script for `shell` in it, and two files to complete. */
function setUp(shell: string): { dir: string; script: string } {
  const dir = mkdtempSync(join(tmpdir(), "nfdebug-completion-"));
  const script = join(dir, `nfdebug.${shell}`);
  writeFileSync(script, completionScript(buildProgram(), shell));
  mkdirSync(join(dir, "files"));
  writeFileSync(join(dir, "files", "inventory.yaml"), "");
  writeFileSync(join(dir, "files", "other.yaml"), "");
  return { dir, script };
}

function run(command: string, args: string[], cwd: string): string {
  const result = spawnSync(command, args, { cwd, encoding: "utf8", timeout: 20_000 });
  assert.equal(result.status, 0, `${command}: ${result.stderr}`);
  return result.stdout;
}

test("bash: commands, options and file names complete, and the function is registered", () => {
  const { dir, script } = setUp("bash");
  try {
    const driver = `source ${JSON.stringify(script)}
complete_line() { COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); COMPREPLY=(); _nfdebug; printf '%s\\n' "\${COMPREPLY[*]}"; }
complete_line nfdebug ap
complete_line nfdebug apply --se
complete_line nfdebug apply -i ''
complete_line nfdebug apply --host-key-policy a
complete_line nfdebug apply --inventory = inv
complete_line nfdebug apply --host-key-policy =
complete_line nfdebug help ap
complete -p nfdebug`;
    const lines = run("bash", ["--norc", "--noprofile", "-c", driver], join(dir, "files")).split("\n");
    assert.equal(lines[0], "apply");
    assert.equal(lines[1], "--serial");
    assert.deepEqual(lines[2].split(" ").sort(), ["inventory.yaml", "other.yaml"]);
    assert.equal(lines[3], "accept-new");
    // --opt=VALUE as bash splits it ("=" is in COMP_WORDBREAKS): --opt, =, VALUE.
    assert.equal(lines[4], "inventory.yaml");
    assert.deepEqual(lines[5].split(" ").sort(), ["accept-new", "off", "strict"]);
    assert.equal(lines[6], "apply");
    assert.match(lines[7], /^complete -F _nfdebug nfdebug$/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

/** The candidates `complete` (SCRIPT, LINE, CWD) gives for four lines, the files there included. */
function assertCompletes(shell: string, complete: (script: string, line: string, cwd: string) => string[]) {
  const { dir, script } = setUp(shell);
  try {
    const at = (line: string) => complete(script, line, join(dir, "files"));
    assert.deepEqual(at("nfdebug ap"), ["apply"]);
    assert.deepEqual(at("nfdebug apply --se"), ["--serial"]);
    assert.deepEqual(at("nfdebug apply -i ").sort(), ["inventory.yaml", "other.yaml"]);
    assert.deepEqual(at("nfdebug apply --host-key-policy a"), ["accept-new"]);
    // A long option's value in the same word, and help's command name.
    assert.deepEqual(at("nfdebug apply --inventory=inv"), ["inventory.yaml"]);
    assert.deepEqual(at("nfdebug apply --host-key-policy=acc"), ["accept-new"]);
    assert.deepEqual(at("nfdebug help ap"), ["apply"]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test(
  "fish: commands, options and file names complete",
  { skip: !has("fish") && "fish is not installed" },
  () =>
    assertCompletes("fish", (script, line, cwd) =>
      run(
        "fish",
        ["--no-config", "-c", `source ${JSON.stringify(script)}; complete -C ${JSON.stringify(line)}`],
        cwd,
      )
        .split("\n")
        .filter(Boolean)
        // fish offers a --opt=VALUE candidate whole: the value is what completes.
        .map((l) => l.split("\t")[0].replace(/^--[a-z-]+=/, "")),
    ),
);

test("zsh: commands, options and file names complete", { skip: !has("zsh") && "zsh is not installed" }, () =>
  assertCompletes("zsh", (script, line, cwd) =>
    run("zsh", ["-f", ZSH_COMPLETE, script, line], cwd).split("\n").filter(Boolean),
  ),
);

test(
  "bash: readline completes --opt=VALUE and help's command name on a real terminal",
  { skip: !has("zsh") && "zsh (zpty) is not installed" },
  () => {
    const { dir, script } = setUp("bash");
    try {
      const line = (typed: string) =>
        run("zsh", ["-f", BASH_COMPLETE, script, typed], join(dir, "files")).trimEnd();
      assert.equal(line("nfdebug apply --inventory=inv"), "nfdebug apply --inventory=inventory.yaml");
      assert.equal(line("nfdebug apply --host-key-policy=acc"), "nfdebug apply --host-key-policy=accept-new");
      assert.equal(line("nfdebug help ap"), "nfdebug help apply");
      assert.equal(line("nfdebug apply --inventory inv"), "nfdebug apply --inventory inventory.yaml");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
);
