// The window options that apply, extend, run, collect and revert share: one id check, one length
// limit with one message.
import { test } from "node:test";
import assert from "node:assert/strict";
import { MAX_WINDOW_MS } from "../../../src/engine/window.js";
import { InputError } from "../../../src/errors.js";
import { checkWindowId, checkWindowLength } from "../../../src/cli/windowOptions.js";

test("a window longer than the limit is refused unless --no-limit, naming where it came from", () => {
  assert.equal(checkWindowLength(MAX_WINDOW_MS, "--for", undefined), MAX_WINDOW_MS);
  assert.throws(
    () => checkWindowLength(MAX_WINDOW_MS + 60_000, "the runbook's window", undefined),
    (err: unknown) =>
      err instanceof InputError &&
      err.message === "the runbook's window 24h1m is longer than 24h; add --no-limit if you mean it",
  );
  assert.equal(checkWindowLength(2 * MAX_WINDOW_MS, "--for", false), 2 * MAX_WINDOW_MS);
});

test("--window takes only window ids", () => {
  assert.equal(checkWindowId(undefined), undefined);
  assert.equal(checkWindowId("20261125T120501-3fa2"), "20261125T120501-3fa2");
  assert.throws(() => checkWindowId("../etc"), /--window: "\.\.\/etc" is not a window id/);
});
