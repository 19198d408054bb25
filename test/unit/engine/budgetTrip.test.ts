// What status says about a window its host reverted for going over its log budget: the measure the
// host recorded on its "closed … tripped AT KIND MEASURED LIMIT" history line.
import { test } from "node:test";
import assert from "node:assert/strict";
import { describeStatus } from "../../../src/cli/actions/status.js";
import { windowStatus, windowTrip } from "../../../src/engine/status.js";
import { parseHistory } from "../../../src/facts/parse.js";
import type { HostFacts } from "../../../src/facts/types.js";

const T = "\t";
const W = "20261206T140000-0001";
// 2026-12-06T14:03:07Z
const AT = Date.UTC(2026, 11, 6, 14, 3, 7) / 1000;

function statusAfter(closed: string) {
  const history = parseHistory([`opened${T}${W}${T}${AT - 60}${T}b${T}a@c${T}p${T}${AT + 600}`, closed]);
  return windowStatus({
    bootId: "b",
    now: AT + 5,
    journal: [],
    history,
    window: null,
  } as unknown as HostFacts);
}

test("a rate trip: lines per second (or minute) over the limit, at the host's time (UTC)", () => {
  const status = statusAfter(`closed${T}${W}${T}${AT}${T}tripped${T}${AT}${T}rate${T}18400${T}2000/s`);
  assert.equal(status.last?.how, "tripped");
  assert.deepEqual(status.last?.trip, {
    at: "2026-12-06T14:03:07.000Z",
    kind: "rate",
    measured: 18400,
    limit: "2000/s",
  });
  assert.equal(
    describeStatus(status, "h12"),
    `no open window; last ${W}: window tripped its budget on h12 at 14:03:07: 18,400 lines/s > 2,000/s; reverted`,
  );
  const perMinute = statusAfter(`closed${T}${W}${T}${AT}${T}tripped${T}${AT}${T}rate${T}900${T}500/min`);
  assert.match(describeStatus(perMinute, "h12"), /: 900 lines\/min > 500\/min; reverted$/);
});

test("a lines trip: the window's total over the most lines allowed", () => {
  const status = statusAfter(`closed${T}${W}${T}${AT}${T}tripped${T}${AT}${T}lines${T}5000123${T}5000000`);
  assert.match(describeStatus(status, "h12"), /at 14:03:07: 5,000,123 lines > 5,000,000; reverted$/);
});

test("an overrun trip: the sampler's reader stopped, so lines went uncounted after the total it had", () => {
  const status = statusAfter(`closed${T}${W}${T}${AT}${T}tripped${T}${AT}${T}overrun${T}12345${T}2000/s`);
  assert.equal(status.last?.trip?.kind, "overrun");
  assert.match(
    describeStatus(status, "h12"),
    /at 14:03:07: its sampler's kernel log reader stopped \(overrun by the log, or killed\): lines went uncounted after 12,345 \(limit 2,000\/s\); reverted$/,
  );
});

test("a tripped line without its measure (a revert that could not finish) says tripped, nothing invented", () => {
  const status = statusAfter(`closed${T}${W}${T}${AT}${T}tripped`);
  assert.equal(status.last?.trip, undefined);
  assert.match(
    describeStatus(status, "h12"),
    /last .* tripped its log budget and was reverted at 2026-12-06T14:03:07.000Z$/,
  );
});

test("collect and run: the trip of the window asked for, from its own closed line; odd limits ignored", () => {
  const other = "20261206T150000-0002";
  const history = parseHistory([
    `closed${T}${W}${T}${AT}${T}tripped${T}${AT}${T}rate${T}18400${T}2000/s`,
    `closed${T}${other}${T}${AT + 900}${T}reverted`,
  ]);
  assert.equal(windowTrip(history, W)?.measured, 18400);
  assert.equal(windowTrip(history, other), undefined);
  assert.equal(windowTrip(history, "20261206T160000-0003"), undefined);
  // Only what budget.sh writes reaches the output and the audit trail.
  for (const limit of ["2000/s; rm", "2000/hour", "x"]) {
    const odd = parseHistory([`closed${T}${W}${T}${AT}${T}tripped${T}${AT}${T}rate${T}18400${T}${limit}`]);
    assert.equal(windowTrip(odd, W), undefined, limit);
  }
});
