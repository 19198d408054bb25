// Knob log_invalid (net.netfilter.nf_conntrack_log_invalid) planned from facts recorded on real kernels.
import { test } from "node:test";
import assert from "node:assert/strict";
import { planLogInvalid, silentLogInvalid } from "../../../../src/kinds/sysctl/logInvalid.js";
import { planHost, planOutcome } from "../../../../src/engine/plan.js";
import type { HostFacts } from "../../../../src/facts/types.js";
import { debian61Facts, debianLike, netnsFacts } from "../../../support/recordedFacts.js";

test("log_invalid: protocol number planned from the current value", () => {
  const plan = planLogInvalid({ name: "p", logInvalid: 6 }, netnsFacts());
  assert.deepEqual(plan.steps, [
    {
      kind: "sysctl",
      knob: "log_invalid",
      path: "net/netfilter/nf_conntrack_log_invalid",
      from: "0",
      to: "6",
    },
  ]);
  assert.deepEqual(
    planLogInvalid({ name: "p", logInvalid: 0 }, netnsFacts()).steps,
    [],
    "already 0: no change",
  );
  assert.deepEqual(planLogInvalid({ name: "p" }, netnsFacts()).steps, [], "absent field is not managed");
});

test("log_invalid without nf_conntrack: a problem unless the profile loads it", () => {
  const f = debianLike();
  delete f.sysctl["nf_conntrack_log_invalid"];
  f.modules = {};
  f.sysModules = [];
  assert.match(planLogInvalid({ name: "p", logInvalid: 6 }, f).problems[0], /nf_conntrack is not loaded/);
  const plan = planLogInvalid({ name: "p", logInvalid: 6, modules: ["nf_conntrack"] }, f);
  assert.deepEqual(plan.problems, []);
  assert.equal(plan.steps[0].kind === "sysctl" && plan.steps[0].from, "?");
});

test("planLogInvalid: absent until nf_conntrack loads; planned from the recorded value once it has", () => {
  const boot = debian61Facts("boot");
  assert.match(
    planLogInvalid({ name: "p", logInvalid: 132 }, boot).problems[0],
    /nf_conntrack_log_invalid does not exist \(nf_conntrack is not loaded\)/,
  );
  assert.deepEqual(planLogInvalid({ name: "p", logInvalid: 132, modules: ["nf_conntrack"] }, boot), {
    steps: [
      {
        kind: "sysctl",
        knob: "log_invalid",
        path: "net/netfilter/nf_conntrack_log_invalid",
        from: "?",
        to: "132",
        loadsModules: true,
      },
    ],
    problems: [],
  });
  for (const state of ["nf_conntrack", "ct-in-use", "nf_log_ipv4"] as const) {
    assert.deepEqual(
      planLogInvalid({ name: "p", logInvalid: 6 }, debian61Facts(state)).steps,
      [
        {
          kind: "sysctl",
          knob: "log_invalid",
          path: "net/netfilter/nf_conntrack_log_invalid",
          from: "0",
          to: "6",
          loadsModules: true,
        },
      ],
      state,
    );
    assert.deepEqual(
      planLogInvalid({ name: "p", logInvalid: 0 }, debian61Facts(state)).steps,
      [],
      `${state}: already off`,
    );
  }
});

test("planLogInvalid: only a non-zero write on a kernel with modules may load one (6.17+ loads nf_log_syslog)", () => {
  const onModules = debian61Facts("nf_log_ipv4");
  onModules.sysctl["nf_conntrack_log_invalid"] = "6";
  const [off] = planLogInvalid({ name: "p", logInvalid: 0 }, onModules).steps;
  assert.equal(off.loadsModules, undefined, "writing 0 loads nothing");
  const builtIn = netnsFacts();
  assert.equal(builtIn.modules, null);
  const [on] = planLogInvalid({ name: "p", logInvalid: 255 }, builtIn).steps;
  assert.equal(on.loadsModules, undefined, "no module support: nothing can be loaded");
});

test("planLogInvalid: a protocol that logs nothing on the host's kernel is warned about, per host", () => {
  const debian = debian61Facts("ct-in-use");
  const here = netnsFacts();
  const warnings = (n: number, facts: HostFacts) =>
    planLogInvalid({ name: "p", logInvalid: n }, facts).warnings;
  // GRE logs nothing on any kernel; the write is still planned (the value is legal).
  for (const facts of [debian, here]) {
    const plan = planLogInvalid({ name: "p", logInvalid: 47 }, facts);
    assert.equal(plan.steps.length, 1);
    assert.match(plan.warnings?.[0] ?? "", /^log_invalid=47 \(GRE\) logs nothing: conntrack's GRE tracker/);
  }
  // DCCP: tracked on 6.1, gone on 6.18 (this machine; removed in 6.17).
  assert.equal(warnings(33, debian), undefined);
  assert.deepEqual(warnings(33, here), [
    "log_invalid=33 (DCCP) logs nothing on kernel 6.18.44-fc-v1252: DCCP connection tracking was removed in 6.17",
  ]);
  // A protocol without a tracker of its own (ESP) goes to the generic tracker, which never logs.
  assert.match(warnings(50, here)?.[0] ?? "", /^log_invalid=50 \(protocol 50\) logs nothing/);
  for (const n of [0, 6, 17, 132, 136, 255]) assert.equal(warnings(n, here), undefined, String(n));
  // planHost carries them, and so does plan's outcome (JSON) for the host.
  const plan = planHost({ name: "p", logInvalid: 33 }, here);
  assert.equal(plan.warnings.length, 1);
  assert.deepEqual(planOutcome("h1", plan).warnings, plan.warnings);
  assert.equal("warnings" in planOutcome("h1", planHost({ name: "p", logInvalid: 6 }, here)), false);
});

test("silentLogInvalid without a kernel (validate): GRE always, DCCP where its tracker is gone", () => {
  assert.match(silentLogInvalid(47) ?? "", /GRE tracker never logs/);
  assert.match(silentLogInvalid(33) ?? "", /logs nothing on kernel 6\.17 and later/);
  assert.equal(silentLogInvalid(6), undefined);
  assert.match(silentLogInvalid(33, "6.17.0-1-amd64") ?? "", /logs nothing on kernel 6\.17\.0-1-amd64/);
  assert.equal(silentLogInvalid(33, "6.16.12"), undefined);
  assert.equal(silentLogInvalid(33, "6.12.19"), undefined);
});
