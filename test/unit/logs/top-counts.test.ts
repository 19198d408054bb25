// The flow cap's pruning: selection must keep exactly what a stable sort by count keeps.
import { test } from "node:test";
import assert from "node:assert/strict";
import { keepHighest, kthLargest } from "../../../src/logs/top-counts.js";
import { seededRandom } from "../../support/seededRandom.js";

test("kthLargest finds the k-th largest value, duplicates included", () => {
  const rnd = seededRandom(7);
  for (let round = 0; round < 200; round++) {
    const n = 1 + Math.floor(rnd() * 300);
    const values = Array.from({ length: n }, () => Math.floor(rnd() * (round % 2 ? 5 : 1000)));
    const sorted = [...values].sort((a, b) => b - a);
    const k = 1 + Math.floor(rnd() * n);
    assert.equal(kthLargest(Float64Array.from(values), k), sorted[k - 1], `n ${n} k ${k}`);
  }
});

test("keepHighest keeps what a stable sort by count keeps: the highest counts, ties to the key seen first", () => {
  const rnd = seededRandom(11);
  for (let round = 0; round < 100; round++) {
    const counts = new Map<string, number>();
    const n = 2 + Math.floor(rnd() * 400);
    for (let i = 0; i < n; i++) counts.set(`flow${i}`, 1 + Math.floor(rnd() * (round % 3 === 0 ? 3 : 50)));
    const keep = 1 + Math.floor(rnd() * (n - 1));
    const expected = [...counts]
      .sort((a, b) => b[1] - a[1])
      .slice(0, keep)
      .map(([k]) => k)
      .sort();
    keepHighest(counts, keep);
    assert.deepEqual([...counts.keys()].sort(), expected, `n ${n} keep ${keep}`);
  }
});

test("keepHighest leaves a map within the cap alone", () => {
  const counts = new Map([
    ["a", 1],
    ["b", 2],
  ]);
  keepHighest(counts, 2);
  assert.deepEqual(
    [...counts],
    [
      ["a", 1],
      ["b", 2],
    ],
  );
});
