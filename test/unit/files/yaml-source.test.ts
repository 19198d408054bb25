// YAML loading with positions: where keys and values are, and syntax problems located.
import { test } from "node:test";
import assert from "node:assert/strict";
import { formatProblem } from "../../../src/errors.js";
import { parseYaml } from "../../../src/files/yaml-source.js";
import { VaultedValue } from "../../../src/files/vaulted-value.js";
import { dottedLabel, showValue, sortProblems } from "../../../src/files/source-map.js";

const TEXT = [
  "name: x",
  "nf_log:",
  "  ipv4: nf_log_ipv4",
  "printk:",
  "  - file: a.c",
  "    line: 5",
  "  - {func: f, flags: p}",
  "window:",
  "",
].join("\n");

test("pointers map to the key or the value they name", () => {
  const { map, problems, data } = parseYaml(TEXT, "f.yaml");
  assert.deepEqual(problems, []);
  assert.deepEqual(data, {
    name: "x",
    nf_log: { ipv4: "nf_log_ipv4" },
    printk: [
      { file: "a.c", line: 5 },
      { func: "f", flags: "p" },
    ],
    window: null,
  });
  assert.deepEqual(map.position(["nf_log", "ipv4"], "key"), { line: 3, col: 3 });
  assert.deepEqual(map.position(["nf_log", "ipv4"], "value"), { line: 3, col: 9 });
  assert.deepEqual(map.position(["printk", "0", "line"], "value"), { line: 6, col: 11 });
  assert.deepEqual(map.position(["printk", "1", "flags"], "value"), { line: 7, col: 22 });
  assert.deepEqual(map.position(["printk", "1"], "value"), { line: 7, col: 5 });
});

test("an empty value points at its key; a missing path at its nearest ancestor", () => {
  const { map } = parseYaml(TEXT, "f.yaml");
  assert.deepEqual(map.position(["window"], "value"), { line: 8, col: 1 });
  assert.deepEqual(map.position(["printk", "0", "nope"], "value"), { line: 5, col: 5 });
  assert.deepEqual(map.position(["printk", "9"], "value"), { line: 5, col: 3 });
  assert.deepEqual(map.position([], "value"), { line: 1, col: 1 });
});

test("labels read like the user's file", () => {
  assert.equal(dottedLabel(["printk", "0", "file"]), "printk[0].file");
  assert.equal(dottedLabel(["hosts", "12"]), "hosts[12]");
  assert.equal(dottedLabel([]), "");
});

test("syntax problems and duplicate keys are located and data is withheld", () => {
  const source = parseYaml('a: 1\n"b c": 2\n"b c": 3\nd: [\n', "f.yaml");
  assert.equal(source.data, undefined);
  assert.deepEqual(source.problems.map(formatProblem), [
    'f.yaml:3:1: duplicate key "b c"',
    "f.yaml:5:1: YAML syntax: Flow sequence in block collection must be sufficiently indented and end with a ]",
  ]);
});

test("alias bombs are refused", () => {
  const lines = ["a: &a [x, x, x, x, x, x, x, x, x, x]"];
  for (let i = 0; i < 8; i++)
    lines.push(
      `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [*${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}]`,
    );
  const source = parseYaml(`${lines.join("\n")}\n`, "bomb.yaml");
  assert.equal(source.data, undefined);
  assert.equal(source.problems.length, 1);
  assert.match(formatProblem(source.problems[0]), /^bomb\.yaml:1:1: YAML: Excessive alias count/);
});

test("!vault values are unsupported tags unless the caller marks them", () => {
  const text = "pw: !vault |\n  $ANSIBLE_VAULT;1.1;AES256\n  6231\n";
  assert.deepEqual(parseYaml(text, "v.yaml").problems.map(formatProblem), [
    "v.yaml:1:5: unsupported YAML tag !vault",
  ]);
  const marked = parseYaml(text, "v.yaml", { vault: "mark" });
  assert.deepEqual(marked.problems, []);
  assert.ok((marked.data as { pw: unknown }).pw instanceof VaultedValue);
  assert.equal(JSON.stringify(marked.data), '{"pw":"<vaulted>"}');
});

test("values in messages are quoted with escapes visible, and long ones shortened", () => {
  assert.equal(showValue("a\nb"), '"a\\nb"');
  assert.equal(showValue(3), "3");
  assert.equal(showValue(undefined), "nothing");
  assert.equal(showValue("x".repeat(100)).length, 80);
});

test("problems sort by file of first appearance, then line and column, without duplicates", () => {
  const p = (file: string, line: number, col: number, message = "m") => ({ file, line, col, message });
  assert.deepEqual(sortProblems([p("b", 9, 1), p("a", 5, 2), p("b", 1, 1), p("a", 5, 1), p("a", 5, 1)]), [
    p("b", 1, 1),
    p("b", 9, 1),
    p("a", 5, 1),
    p("a", 5, 2),
  ]);
});
