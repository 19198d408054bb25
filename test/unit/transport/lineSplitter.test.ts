import { test } from "node:test";
import assert from "node:assert/strict";
import { LineSplitter } from "../../../src/transport/lineSplitter.js";

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
