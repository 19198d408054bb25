// The lines apply, revert and extend print per host, from outcomes the engine makes of real host
// output. An apply that opened a window must say until when: once a detail read through an untyped
// outcome printed "window … open until undefined".
import { test } from "node:test";
import assert from "node:assert/strict";
import { interpretApply } from "../../../src/engine/apply.js";
import { interpretExtend } from "../../../src/engine/extend.js";
import type { ApplyOutcome } from "../../../src/engine/outcomes.js";
import { interpretRevert } from "../../../src/engine/revert.js";
import { MalformedAnswer } from "../../../src/errors.js";
import { applyLine, extendLine, revertLine } from "../../../src/cli/render.js";

const WINDOW = "20261125T120000-abcd";
const CHANGE = "@@change\tsysctl:log_invalid\tnet/netfilter/nf_conntrack_log_invalid\t0\t6\n";

test("apply: an opened or joined window is shown with its expiry; without one the answer is malformed", () => {
  const opened = interpretApply("h1", `${CHANGE}@@done\topened\t${WINDOW}\t1795608991\n`, "", 0);
  assert.equal(applyLine(opened), `h1: window ${WINDOW} open until 2026-11-25T12:16:31.000Z`);
  const joinedChanging = interpretApply("h2", `${CHANGE}@@done\tsame\t${WINDOW}\t1795608991\n`, "", 0);
  assert.equal(applyLine(joinedChanging), `h2: window ${WINDOW} open until 2026-11-25T12:16:31.000Z`);
  for (const state of ["opened", "same"])
    assert.throws(
      () => interpretApply("h3", `${CHANGE}@@done\t${state}\t${WINDOW}\n`, "", 0),
      (err) => err instanceof MalformedAnswer && /2 of its 3 fields/.test(err.message),
    );
});

test("apply: a joined window without changes, and a host with nothing to do, say so", () => {
  const joined = interpretApply("h1", `@@done\tsame\t${WINDOW}\t1795608991\n`, "", 0);
  assert.equal(applyLine(joined), "h1: window already open with this profile");
  const rearmed = interpretApply(
    "h2",
    `@@timer\trearmed\tnfdebug-${WINDOW}\n@@done\tsame\t${WINDOW}\t1795608991\n`,
    "",
    0,
  );
  assert.match(applyLine(rearmed), /dead-man's switch had died and was armed again \(nfdebug-/);
  assert.equal(applyLine(interpretApply("h3", "@@done\tnochange\n", "", 0)), "h3: no changes");
});

// Checked by the build: if an opened window could lack its expiry, the directive below would be
// unused and tsc would fail.
test("an opened window without its expiry does not type-check", () => {
  const nothing = interpretApply("h1", "@@done\tnochange\n", "", 0);
  const opened: ApplyOutcome = {
    ...nothing,
    state: "opened",
    window: WINDOW,
    // @ts-expect-error: expires is a string wherever a window was opened
    expires: undefined,
  };
  assert.equal(
    applyLine(opened),
    `h1: window ${WINDOW} open until undefined`,
    "what the type keeps from being printed",
  );
});

test("revert: restored, closed with nothing to restore, none and another window", () => {
  const line = (stdout: string) => revertLine(interpretRevert("h1", stdout, "", 0));
  assert.equal(
    line(
      `@@restored\tsysctl:log_invalid\tnet/netfilter/nf_conntrack_log_invalid\t6\t0\n@@revert\tdone\t${WINDOW}\n`,
    ),
    `h1: window ${WINDOW} reverted`,
  );
  assert.equal(line(`@@revert\tdone\t${WINDOW}\n`), `h1: window ${WINDOW} closed, nothing to restore`);
  assert.equal(line("@@revert\tnone\n"), "h1: no open window");
  assert.equal(
    line("@@revert\tother\t20261125T110000-0001\n"),
    "h1: open window is 20261125T110000-0001, not the one asked for",
  );
});

test("extend: the new expiry, none, another window, and one that had expired (reverted instead)", () => {
  const line = (stdout: string) => extendLine(interpretExtend("h1", WINDOW, stdout, 0));
  assert.equal(
    line(`@@extend\tdone\t${WINDOW}\t1795609396\t1795608796\n`),
    "h1: expires 2026-11-25T12:23:16.000Z",
  );
  assert.equal(line("@@extend\tnone\n"), "h1: no open window");
  assert.equal(
    line("@@extend\tother\t20261125T110000-0001\n"),
    `h1: open window is 20261125T110000-0001, not ${WINDOW}`,
  );
  const expired = interpretExtend(
    "h1",
    WINDOW,
    `@@overdue-revert\tdone\t${WINDOW}\n@@extend\texpired\t${WINDOW}\n`,
    0,
  );
  assert.equal(expired.found, "expired");
  assert.equal(extendLine(expired), `h1: window ${WINDOW} had expired: reverted now, not extended`);
});
