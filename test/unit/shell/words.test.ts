// Splitting ssh argument strings as a shell (and shlex.split) does.
import { test } from "node:test";
import assert from "node:assert/strict";
import { shellWords } from "../../../src/shell/words.js";

test("quotes group and are removed; backslashes escape; runs of blanks separate", () => {
  assert.deepEqual(shellWords("  -o  'A=b c'\t-J x "), ["-o", "A=b c", "-J", "x"]);
  assert.deepEqual(shellWords('-o ProxyCommand="ssh -W %h:%p b"'), ["-o", "ProxyCommand=ssh -W %h:%p b"]);
  assert.deepEqual(shellWords(`a\\ b "x\\"y\\\\z\\n" ''`), ["a b", 'x"y\\z\\n', ""]);
  assert.deepEqual(shellWords("it'"), null);
  assert.deepEqual(shellWords('"open'), null);
  assert.deepEqual(shellWords("end\\"), null);
  assert.deepEqual(shellWords(""), []);
});
