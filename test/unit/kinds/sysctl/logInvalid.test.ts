// Knob log_invalid (net.netfilter.nf_conntrack_log_invalid) planned from facts recorded on real kernels.
import { test } from "node:test";
import assert from "node:assert/strict";
import { planLogInvalid } from "../../../../src/kinds/sysctl/logInvalid.js";
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
