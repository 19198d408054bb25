import { test } from "node:test";
import assert from "node:assert/strict";
import { expandHostRange } from "../../../src/inventory/host-range.js";

test("numeric ranges keep the start's zero padding", () => {
  assert.deepEqual(expandHostRange("web[01:03]"), ["web01", "web02", "web03"]);
  assert.deepEqual(expandHostRange("web[8:10].example.com"), [
    "web8.example.com",
    "web9.example.com",
    "web10.example.com",
  ]);
  assert.deepEqual(expandHostRange("web[001:002]"), ["web001", "web002"]);
});

test("letter ranges, strides and several ranges in one name", () => {
  assert.deepEqual(expandHostRange("db-[a:c]"), ["db-a", "db-b", "db-c"]);
  assert.deepEqual(expandHostRange("n[0:10:5]"), ["n0", "n5", "n10"]);
  assert.deepEqual(expandHostRange("r[1:2]c[a:b]"), ["r1ca", "r1cb", "r2ca", "r2cb"]);
});

test("names without a range come back as they are", () => {
  assert.deepEqual(expandHostRange("web1.example.com"), ["web1.example.com"]);
});

test("malformed ranges explain themselves", () => {
  assert.deepEqual(expandHostRange("web[3:1]"), {
    error: '"web[3:1]": the range start 3 is after its end 1',
  });
  assert.deepEqual(expandHostRange("web[1-3]"), { error: '"web[1-3]" has a malformed host range' });
  assert.deepEqual(expandHostRange("web[a:10]"), {
    error: '"web[a:10]": a range is [N:M] with numbers or [a:z] with single letters',
  });
  assert.deepEqual(expandHostRange("web[1:5:0]"), {
    error: '"web[1:5:0]": the range step must be at least 1',
  });
  assert.deepEqual(expandHostRange("web[0:99999]"), {
    error: '"web[0:99999]": expands to more than 10000 hosts',
  });
});
