import { test } from "node:test";
import assert from "node:assert/strict";
import { LineSplitter, LineTooLong } from "../../../src/transport/lineSplitter.js";

test("lines split across chunks, multi-byte characters split across chunks, last line without newline", () => {
  const lines: string[] = [];
  const s = new LineSplitter((l) => lines.push(l));
  const bytes = Buffer.from("alpha\nbé", "utf8");
  // cut inside the two-byte "é"
  s.push(bytes.subarray(0, bytes.length - 1));
  s.push(Buffer.concat([bytes.subarray(bytes.length - 1), Buffer.from("ta\n\ngamma")]));
  s.end();
  assert.deepEqual(lines, ["alpha", "béta", "", "gamma"]);
});

test("nothing is emitted for an empty stream or a trailing newline", () => {
  const lines: string[] = [];
  const s = new LineSplitter((l) => lines.push(l));
  s.push(Buffer.from("x\n"));
  s.end();
  assert.deepEqual(lines, ["x"]);
});

test("a line longer than the limit throws LineTooLong, also when it arrives in pieces", () => {
  const lines: string[] = [];
  const s = new LineSplitter((l) => lines.push(l), 10);
  s.push(Buffer.from("0123456789\nabcde"));
  assert.throws(() => s.push(Buffer.from("fghijk")), LineTooLong);
  assert.deepEqual(lines, ["0123456789"], "lines up to the limit pass");
  assert.throws(() => new LineSplitter(() => {}, 3).push(Buffer.from("abcd\n")), LineTooLong);
});

test("a long line in many chunks comes out whole", () => {
  const lines: string[] = [];
  const s = new LineSplitter((l) => lines.push(l));
  const chunk = Buffer.alloc(4096, "x");
  for (let i = 0; i < 256; i++) s.push(chunk);
  s.push(Buffer.from("y\nz"));
  s.end();
  assert.deepEqual(
    lines.map((l) => l.length),
    [256 * 4096 + 1, 1],
  );
  assert.ok(lines[0].endsWith("xy"));
});
