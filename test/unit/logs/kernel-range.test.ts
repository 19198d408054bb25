import { test } from "node:test";
import assert from "node:assert/strict";
import { describeKernelRange, inKernelRange, parseKernelVersion } from "../../../src/logs/kernel-range.js";

test("kernel versions parse to three numbers, ignoring what follows them", () => {
  assert.deepEqual(parseKernelVersion("6.1.119"), [6, 1, 119]);
  assert.deepEqual(parseKernelVersion("6.2"), [6, 2, 0]);
  assert.deepEqual(parseKernelVersion("6.1.0-27-amd64"), [6, 1, 0]);
  assert.deepEqual(parseKernelVersion("6.19-rc2"), [6, 19, 0]);
  assert.equal(parseKernelVersion("linux"), null);
});

test("from is inclusive, until exclusive, and both compare numerically", () => {
  const range = { from: "5.12", until: "5.18" };
  assert.equal(inKernelRange(range, "5.11.22"), false);
  assert.equal(inKernelRange(range, "5.12"), true);
  assert.equal(inKernelRange(range, "5.15.135"), true);
  assert.equal(inKernelRange(range, "5.18.0"), false);
  assert.equal(inKernelRange({}, "4.14.67"), true);
  assert.equal(inKernelRange({ until: "4.19" }, "4.14.67"), true);
  assert.equal(inKernelRange({ until: "4.19" }, "4.19.222"), false);
  assert.equal(inKernelRange({ from: "4.9" }, "4.14"), true, "14 > 9, not '14' < '9'");
  assert.throws(() => inKernelRange({}, "x"), /not a kernel version/);
});

test("a backport covers its stable series from its point release on, and no other series", () => {
  const range = { from: "6.2", until: "6.17", backports: ["5.4.286", "6.1.119"] };
  assert.equal(inKernelRange(range, "5.4.286"), true);
  assert.equal(inKernelRange(range, "5.4.300"), true);
  assert.equal(inKernelRange(range, "5.4.285"), false);
  assert.equal(inKernelRange(range, "5.10.89"), false);
  assert.equal(inKernelRange(range, "6.1.119"), true);
  assert.equal(inKernelRange(range, "6.6.87"), true);
  assert.equal(inKernelRange(range, "6.19.0"), false, "until also ends the backports");
});

test("ranges read as short text", () => {
  assert.equal(describeKernelRange({}), "all");
  assert.equal(describeKernelRange({ from: "4.19" }), "4.19+");
  assert.equal(describeKernelRange({ until: "4.19" }), "before 4.19");
  assert.equal(describeKernelRange({ from: "5.12", until: "5.18" }), "5.12 to before 5.18");
  assert.equal(describeKernelRange({ from: "6.2", backports: ["5.4.286"] }), "6.2+, stable 5.4.286+");
});
