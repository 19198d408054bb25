// isoTime equals Date's toISOString, its per-second cache included.
import { test } from "node:test";
import assert from "node:assert/strict";
import { isoTime } from "../../../../src/logs/sources/framing.js";

test("isoTime is new Date(ms).toISOString() for times in one second, across seconds and fractions", () => {
  const base = Date.parse("2026-12-05T07:40:12Z");
  const times = [
    base,
    base + 1,
    base + 9.9,
    base + 10,
    base + 99,
    base + 100,
    base + 999.999,
    base + 1000,
    base - 1,
    base - 1000.5,
    0,
    -1,
    -1500.25,
    Date.parse("9999-12-31T23:59:59.999Z"),
    Date.parse("+010000-01-01T00:00:00Z"),
    Date.parse("-000001-01-01T00:00:00Z") + 5,
  ];
  // Shuffled repeats: a value after another in the same second uses the cached part.
  for (const ms of [...times, ...times.reverse(), ...times.map((t) => t + 0.5)])
    assert.equal(isoTime(ms), new Date(ms).toISOString(), String(ms));
});
