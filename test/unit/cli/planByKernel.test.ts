// The per-kernel summary of a plan, from the shipped SCTP deep dive planned on the recorded facts
// of three real kernels: Debian 12's 6.1, Debian 13's 6.12 and a 6.18 namespace host.
import { test } from "node:test";
import assert from "node:assert/strict";
import { planByKernel } from "../../../src/cli/planByKernel.js";
import { planHost, planOutcome } from "../../../src/engine/plan.js";
import { failedOutcome } from "../../../src/engine/result.js";
import type { HostFacts } from "../../../src/facts/types.js";
import { loadProfile } from "../../../src/profile/load.js";
import { debian612Facts, debian61Facts, netnsFacts } from "../../support/recordedFacts.js";
import { useRepoRoot } from "../files/repo-root.js";

useRepoRoot();

test("a plan over 6.1, 6.12 and 6.18 hosts is summed up per kernel version, oldest first", async () => {
  const profile = await loadProfile("playbooks/profiles/printk-sctp.yaml");
  const hosts: Array<[string, HostFacts]> = [
    ["deb12-a", debian61Facts("ct-in-use")],
    ["deb12-b", debian61Facts("ct-in-use")],
    ["deb13", debian612Facts("ct-in-use")],
    ["ns1", netnsFacts()],
    ["ns2", netnsFacts()],
  ];
  const kernelOf = new Map(hosts.map(([name, f]) => [name, f.kernel]));
  const outcomes = hosts.map(([name, facts]) => {
    try {
      return planOutcome(name, planHost(profile, facts));
    } catch (err) {
      return failedOutcome(name, err);
    }
  });
  const lines = planByKernel(outcomes, kernelOf);
  assert.equal(lines[0], "by kernel:");
  assert.match(lines[1], /^ {2}6\.1 \(2 hosts\): 2 ok, \d+ changes \(.*printk \d+.*\)$/);
  assert.match(lines[2], /^ {2}6\.12 \(1 host\): 1 ok, \d+ changes \(.*printk \d+.*\)$/);
  assert.match(
    lines[3],
    /^ {2}6\.18 \(2 hosts\): 2 unsupported, e\.g\. ns1: dynamic debug is not available on kernel 6\.18\.\S+ /,
  );
  assert.equal(lines.length, 4);
  // One kernel: nothing to sum up.
  assert.deepEqual(planByKernel(outcomes.slice(0, 2), kernelOf), []);
});

test("a warning that depends on the kernel shows in its version's line: DCCP logs nothing on 6.18, still does on 6.1", async () => {
  const profile = { name: "dccp", logInvalid: 33 };
  const hosts: Array<[string, HostFacts]> = [
    ["deb12", debian61Facts("ct-in-use")],
    ["ns1", netnsFacts()],
  ];
  const outcomes = hosts.map(([name, facts]) => planOutcome(name, planHost(profile, facts)));
  const lines = planByKernel(outcomes, new Map(hosts.map(([name, f]) => [name, f.kernel])));
  assert.doesNotMatch(lines[1], /warned/);
  assert.match(
    lines[2],
    /^ {2}6\.18 \(1 host\): 1 ok, 1 change \(log_invalid 1\); 1 warned, e\.g\. ns1: log_invalid=33 \(DCCP\) logs nothing on kernel 6\.18/,
  );
});
