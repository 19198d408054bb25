// What apply, revert and status say about a host left changed, from the host's "@@" lines and facts: only a
// rollback that restored everything may say "nothing left changed".
import { test } from "node:test";
import assert from "node:assert/strict";
import { interpretApply } from "../../../src/engine/apply.js";
import { HostError } from "../../../src/errors.js";
import { interpretRevert } from "../../../src/engine/revert.js";
import { failedOutcome } from "../../../src/engine/result.js";
import { windowStatus } from "../../../src/engine/status.js";
import { describeStatus } from "../../../src/cli/actions/status.js";
import type { HostFacts } from "../../../src/facts/types.js";

const T = "\t";
const fail = `@@fail${T}remote${T}writing nf_log_ipv6 to net/netfilter/nf_log/10 failed: No such file or directory`;

test("a rollback that restored everything says so", () => {
  const out = [
    fail,
    `@@rollback-restored${T}sysctl:log_invalid${T}net/netfilter/nf_conntrack_log_invalid${T}6${T}0`,
    `@@rollback-revert${T}done${T}20261203T120000-0001`,
  ].join("\n");
  assert.throws(
    () => interpretApply("h1", out, "", 6),
    (err: HostError) => err.kind === "remote" && err.message.endsWith("(rolled back: nothing left changed)"),
  );
});

test("a rollback that found drift says the host is left changed, which keys, and that the window stays armed", () => {
  const out = [
    fail,
    `@@rollback-drift${T}sysctl:log_invalid${T}net/netfilter/nf_conntrack_log_invalid${T}17${T}6`,
    `@@rollback-revert${T}drift${T}20261203T120000-0001`,
  ].join("\n");
  assert.throws(
    () => interpretApply("h1", out, "", 6),
    (err: HostError) => {
      assert.doesNotMatch(err.message, /nothing left changed/);
      assert.match(
        err.message,
        /rollback incomplete: LEFT CHANGED: net\.netfilter\.nf_conntrack_log_invalid/,
      );
      assert.match(
        err.message,
        /window 20261203T120000-0001 stays open and its dead-man's switch tries again at expiry/,
      );
      return true;
    },
  );
});

test("a module the rollback could not unload (in use) is named as left changed", () => {
  const out = [
    fail,
    `@@rollback-inuse${T}module${T}nfnetlink${T}1`,
    `@@rollback-revert${T}left${T}20261203T120000-0001`,
  ].join("\n");
  assert.throws(() => interpretApply("h1", out, "", 6), /LEFT CHANGED: nfnetlink;/);
});

test("a full /run is kind host-storage, with the path and the free space", () => {
  const out = `@@fail${T}host-storage${T}cannot write /run/nfdebug/changes (0 KiB free on its file system)\n@@rollback-revert${T}done${T}20261203T120000-0001`;
  assert.throws(
    () => interpretApply("h1", out, "", 6),
    (err: HostError) =>
      err.kind === "host-storage" && /\/run\/nfdebug\/changes \(0 KiB free/.test(err.message),
  );
});

test("a revert that left a module in use still reports what it restored, as a failed host that changed", () => {
  const out = [
    `@@restored${T}module:modules${T}nfnetlink_log${T}unloaded`,
    `@@restored${T}sysctl:nf_log${T}net/netfilter/nf_log/2${T}nfnetlink_log${T}NONE`,
    `@@inuse${T}module${T}nfnetlink${T}1`,
    `@@revert${T}left${T}20261203T120000-0001`,
  ].join("\n");
  let thrown: unknown;
  try {
    interpretRevert("h1", out, "", 4);
  } catch (err) {
    thrown = err;
  }
  const outcome = failedOutcome("h1", thrown);
  assert.equal(outcome.ok, false);
  assert.equal(outcome.changed, true);
  assert.deepEqual(
    outcome.changes.map((c) => [c.key, c.from, c.to]),
    [
      ["nfnetlink_log", "loaded", "absent"],
      ["net.netfilter.nf_log.2", "nfnetlink_log", "NONE"],
    ],
  );
  assert.match(outcome.error!.message, /left loaded, in use: nfnetlink/);
});

test("status names what a window left behind (state left) and that revert --force retries", () => {
  const facts = {
    bootId: "b",
    now: 100,
    history: [],
    journal: [{ kind: "module", key: "nfnetlink", from: "absent", to: "loaded" }],
    window: {
      id: "20261203T120000-0001",
      owner: "a@b",
      profile: "p",
      started: 1,
      expires: 60,
      bootId: "b",
      state: "left",
    },
  } as unknown as HostFacts;
  const status = windowStatus(facts);
  assert.deepEqual(status.open?.left, ["nfnetlink"]);
  assert.match(
    describeStatus(status),
    /open \(left\).*; left changed: nfnetlink \(revert --force tries again\)$/,
  );
});
