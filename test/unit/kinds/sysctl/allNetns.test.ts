// Knob nf_log_all_netns planned from facts recorded on real kernels.
import { test } from "node:test";
import assert from "node:assert/strict";
import { planAllNetns } from "../../../../src/kinds/sysctl/allNetns.js";
import { debian61Facts, initialNetnsFacts, netnsFacts } from "../../../support/recordedFacts.js";

test("nf_log_all_netns: only in the initial namespace", () => {
  assert.match(
    planAllNetns({ name: "p", nfLogAllNetns: true }, netnsFacts()).problems[0],
    /not in the initial network namespace/,
  );
  assert.deepEqual(planAllNetns({ name: "p", nfLogAllNetns: false }, netnsFacts()), {
    steps: [],
    problems: [],
  });
  const f = initialNetnsFacts();
  f.sysctl["nf_log_all_netns"] = "0";
  assert.deepEqual(planAllNetns({ name: "p", nfLogAllNetns: true }, f).steps, [
    { kind: "sysctl", knob: "nf_log_all_netns", path: "net/netfilter/nf_log_all_netns", from: "0", to: "1" },
  ]);
});

test("planAllNetns: the VM's shell is in the initial namespace, where the knob exists", () => {
  const f = debian61Facts("ct-in-use");
  assert.deepEqual(planAllNetns({ name: "p", nfLogAllNetns: true }, f), {
    steps: [
      {
        kind: "sysctl",
        knob: "nf_log_all_netns",
        path: "net/netfilter/nf_log_all_netns",
        from: "0",
        to: "1",
      },
    ],
    problems: [],
  });
  assert.deepEqual(planAllNetns({ name: "p", nfLogAllNetns: false }, f), { steps: [], problems: [] });
});
