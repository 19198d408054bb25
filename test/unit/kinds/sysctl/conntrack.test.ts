// The conntrack knob (nf_conntrack_acct, _timestamp, _events) against facts recorded on real kernels.
import { test } from "node:test";
import assert from "node:assert/strict";
import { recordedFacts as recorded } from "../../../support/recordedFacts.js";
import { planConntrack } from "../../../../src/kinds/sysctl/conntrack.js";
import { renderStep } from "../../../../src/kinds/registry.js";
import { planHost } from "../../../../src/engine/plan.js";
import { readFactsScript } from "../../../../src/engine/readFacts.js";
import { parseProfile } from "../../../../src/profile/load.js";
import { describeProfile } from "../../../../src/report/wording.js";

const profile = (body: string) =>
  parseProfile(`apiVersion: nfdebug/v1\nkind: DebugProfile\nname: ct\n${body}`, "ct.yaml");

test("conntrack: booleans and events 0..2 are accepted; other values are refused by the schema", () => {
  assert.deepEqual(profile("conntrack: { acct: true, timestamp: false, events: 2 }").conntrack, {
    acct: 1,
    timestamp: 0,
    events: 2,
  });
  assert.deepEqual(profile("conntrack: { events: true }").conntrack, { events: 1 });
  for (const bad of ["{ events: 3 }", "{ acct: 1 }", "{ buckets: 5 }", "{ events: on }"])
    assert.throws(() => profile(`conntrack: ${bad}`), bad);
});

test("conntrack on a 6.18 namespace host: steps from the recorded values, quoted into nfd_sysctl calls", () => {
  const f = recorded("kernel-6.18-netns.txt");
  assert.deepEqual(
    [f.sysctl["nf_conntrack_acct"], f.sysctl["nf_conntrack_timestamp"], f.sysctl["nf_conntrack_events"]],
    ["0", "0", "2"],
  );
  const p = profile("conntrack: { acct: true, timestamp: true, events: 1 }");
  const plan = planHost(p, f);
  assert.deepEqual(plan.problems, []);
  assert.deepEqual(plan.steps.map(renderStep), [
    "nfd_sysctl sysctl:conntrack net/netfilter/nf_conntrack_acct 0 1",
    "nfd_sysctl sysctl:conntrack net/netfilter/nf_conntrack_timestamp 0 1",
    "nfd_sysctl sysctl:conntrack net/netfilter/nf_conntrack_events 2 1",
  ]);
  assert.deepEqual(plan.changes[0], {
    knob: "conntrack",
    key: "net.netfilter.nf_conntrack_acct",
    from: "0",
    to: "1",
  });
  // Already as wanted: nothing to do.
  assert.deepEqual(planConntrack(profile("conntrack: { events: 2, acct: false }"), f).steps, []);
  assert.deepEqual(describeProfile(p), [
    "nf_conntrack_acct=1",
    "nf_conntrack_timestamp=1",
    "nf_conntrack_events=1",
  ]);
});

test("conntrack on a fresh Debian 6.1 boot: refused without nf_conntrack, read after it loads with it", () => {
  const boot = recorded("debian-6.1-boot.txt");
  const without = planConntrack(profile("conntrack: { acct: true }"), boot);
  assert.deepEqual(without.steps, []);
  assert.match(without.problems[0], /nf_conntrack_acct does not exist \(nf_conntrack is not loaded\)/);
  const withModule = planHost(profile("modules: [nf_conntrack]\nconntrack: { timestamp: true }"), boot);
  assert.deepEqual(withModule.steps.map(renderStep), [
    "nfd_module module:modules nf_conntrack",
    "nfd_sysctl sysctl:conntrack net/netfilter/nf_conntrack_timestamp '?' 1",
  ]);
});

test("the facts script asks for the conntrack sysctls (s: arguments)", () => {
  const script = readFactsScript();
  for (const name of ["nf_conntrack_acct", "nf_conntrack_timestamp", "nf_conntrack_events"])
    assert.ok(script.includes(`s:${name}`), name);
});
