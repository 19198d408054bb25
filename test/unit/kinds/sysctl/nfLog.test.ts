// Knob nf_log (the backend bound per address family) planned from facts recorded on real kernels.
import { test } from "node:test";
import assert from "node:assert/strict";
import { planNfLog } from "../../../../src/kinds/sysctl/nfLog.js";
import { debian61Facts, debianLike, netnsFacts } from "../../../support/recordedFacts.js";

test("nf_log: registered backend is bound, unregistered one needs its module", () => {
  const f = debianLike();
  const missing = planNfLog({ name: "p", nfLog: { ipv4: "nf_log_ipv4" } }, f);
  assert.deepEqual(missing.problems, [
    "backend nf_log_ipv4 is not registered for ipv4 (registered: none); add nf_log_syslog to the profile's modules",
  ]);
  const withModule = planNfLog({ name: "p", nfLog: { ipv4: "nf_log_ipv4" }, modules: ["nf_log_ipv4"] }, f);
  assert.deepEqual(withModule.problems, []);
  assert.deepEqual(withModule.steps, [
    { kind: "sysctl", knob: "nf_log", path: "net/netfilter/nf_log/2", from: "?", to: "nf_log_ipv4" },
  ]);
  const g = netnsFacts();
  assert.deepEqual(planNfLog({ name: "p", nfLog: { ipv6: "NONE" } }, g).steps, [
    { kind: "sysctl", knob: "nf_log", path: "net/netfilter/nf_log/10", from: "nf_log_ipv6", to: "NONE" },
  ]);
  assert.deepEqual(planNfLog({ name: "p", nfLog: { ipv4: "nf_log_ipv4" } }, g).steps, [], "already bound");
});

test("planNfLog: a backend needs its registration or the module that registers it", () => {
  const boot = debian61Facts("boot");
  assert.deepEqual(planNfLog({ name: "p", nfLog: { ipv4: "nf_log_ipv4" } }, boot), {
    steps: [],
    problems: [
      "backend nf_log_ipv4 is not registered for ipv4 (registered: none); add nf_log_syslog to the profile's modules",
    ],
  });
  assert.deepEqual(
    planNfLog({ name: "p", nfLog: { ipv4: "nf_log_ipv4" }, modules: ["nf_log_ipv4"] }, boot).steps,
    [{ kind: "sysctl", knob: "nf_log", path: "net/netfilter/nf_log/2", from: "?", to: "nf_log_ipv4" }],
  );
  const loaded = debian61Facts("nf_log_ipv4");
  assert.deepEqual(
    planNfLog({ name: "p", nfLog: { ipv4: "nf_log_ipv4" } }, loaded),
    { steps: [], problems: [] },
    "already bound",
  );
  assert.deepEqual(planNfLog({ name: "p", nfLog: { ipv6: "NONE", bridge: "nf_log_bridge" } }, loaded).steps, [
    { kind: "sysctl", knob: "nf_log", path: "net/netfilter/nf_log/10", from: "nf_log_ipv6", to: "NONE" },
  ]);
  assert.deepEqual(planNfLog({ name: "p", nfLog: { ipv4: "nfnetlink_log" } }, loaded).problems, [
    "backend nfnetlink_log is not registered for ipv4 (registered: nf_log_ipv4); add nfnetlink_log to the profile's modules",
  ]);
});
