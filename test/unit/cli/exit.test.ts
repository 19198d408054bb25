// The one place where errors become exit codes: a host that failed by a bug in nfdebug (kind
// internal) makes the command exit 3, though the other hosts' results were printed.
import { test } from "node:test";
import assert from "node:assert/strict";
import { EXIT, HostsFailed, exitCodeFor, messageFor } from "../../../src/cli/exit.js";
import { failedOutcome, summarise } from "../../../src/engine/result.js";
import { HostError, InputError, MalformedAnswer } from "../../../src/errors.js";

/** The HostsFailed a fleet command raises for these outcomes (as finishFleet does). */
const hostsFailed = (outcomes: ReturnType<typeof failedOutcome>[]) =>
  HostsFailed.of(outcomes.filter((o) => !o.ok).map((o) => o.error?.kind));

test("failed hosts exit 2; one that failed with kind internal makes it 3", () => {
  const unreachable = failedOutcome("web1", new HostError("unreachable", "web1", "connection refused"));
  const protocol = failedOutcome("web2", new MalformedAnswer("facts output is incomplete"));
  const bug = failedOutcome("web3", new TypeError("Cannot read properties of undefined (reading 'id')"));
  assert.equal(exitCodeFor(hostsFailed([unreachable, protocol])), EXIT.hostsFailed);
  assert.equal(exitCodeFor(hostsFailed([unreachable, bug, protocol])), EXIT.internal);
  assert.equal(EXIT.internal, 3);
  const result = summarise("facts", [unreachable, bug]);
  assert.deepEqual(result.summary, { ok: 0, changed: 0, failed: 2 }, "every host is still in the result");
});

test("HostsFailed counts the internal failures; only they get a message on stderr", () => {
  const mixed = HostsFailed.of(["unreachable", "internal", "internal", undefined]);
  assert.deepEqual([mixed.failed, mixed.internal], [4, 2]);
  assert.match(messageFor(mixed) ?? "", /^2 host\(s\) failed by a bug in nfdebug \(error kind internal\)/);
  assert.equal(messageFor(HostsFailed.of(["remote"])), undefined, "the output already said it");
  // A step that failed with no failed host (runbook) is still exit 2.
  assert.equal(exitCodeFor(HostsFailed.of([])), EXIT.hostsFailed);
});

test("the other errors keep their codes", () => {
  assert.equal(exitCodeFor(new InputError("bad")), EXIT.input);
  assert.equal(exitCodeFor(new HostError("auth", "web1", "denied")), EXIT.hostsFailed);
  assert.equal(exitCodeFor(new TypeError("boom")), EXIT.internal);
});
