// failedOutcome: the one place a host's error becomes its outcome's kind.
import { test } from "node:test";
import assert from "node:assert/strict";
import { failedOutcome } from "../../../src/engine/result.js";
import { HostError, MalformedAnswer } from "../../../src/errors.js";

test("a TypeError while handling a host is kind internal, named so a bug report says what broke", () => {
  assert.deepEqual(failedOutcome("web1", new TypeError("x.split is not a function")), {
    host: "web1",
    ok: false,
    changed: false,
    changes: [],
    error: { kind: "internal", message: "TypeError: x.split is not a function" },
  });
  assert.deepEqual(failedOutcome("web1", new RangeError("Invalid time value")).error, {
    kind: "internal",
    message: "RangeError: Invalid time value",
  });
  assert.deepEqual(failedOutcome("web1", "thrown string").error, {
    kind: "internal",
    message: "thrown string",
  });
});

test("a HostError keeps its kind; a malformed host answer is kind protocol", () => {
  for (const kind of ["unreachable", "timeout", "remote", "locked", "host-storage", "protocol"] as const)
    assert.deepEqual(failedOutcome("web1", new HostError(kind, "web1", "why")).error, {
      kind,
      message: "why",
    });
  assert.deepEqual(
    failedOutcome("web1", new MalformedAnswer("facts output is incomplete (no end marker)")).error,
    {
      kind: "protocol",
      message: "facts output is incomplete (no end marker)",
    },
  );
});
