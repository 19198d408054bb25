// The kinds together: planHost orders the knobs, and renderStep turns each step into one quoted
// host call (what sh really receives is checked by running sh).
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { planNfLog } from "../../../src/kinds/sysctl/nfLog.js";
import { renderStep, type Step } from "../../../src/kinds/registry.js";
import { planHost } from "../../../src/engine/plan.js";
import { SCTP, SCTP_PROFILE, debian61Facts, debianLike } from "../../support/recordedFacts.js";

test("plan orders modules before the knobs that need them, and renders quoted script lines", () => {
  const f = debianLike();
  const plan = planHost(
    {
      name: "p",
      modules: ["nf_log_ipv4"],
      nfLog: { ipv4: "nf_log_ipv4" },
      logInvalid: 132,
      printk: [{ func: ["do_basic_checks"], flags: "p" }],
    },
    f,
  );
  assert.deepEqual(plan.problems, []);
  assert.deepEqual(plan.steps.map(renderStep), [
    "nfd_module module:modules nf_log_syslog",
    "nfd_sysctl sysctl:nf_log net/netfilter/nf_log/2 '?' nf_log_ipv4",
    "nfd_sysctl sysctl:log_invalid net/netfilter/nf_conntrack_log_invalid 0 132 loads-modules",
    "nfd_printk printk:printk net/netfilter/nf_conntrack_proto_sctp.c:164 do_basic_checks _ p",
  ]);
  assert.deepEqual(plan.changes[0], { knob: "modules", key: "nf_log_syslog", from: "absent", to: "loaded" });
});

test("planHost: the VM suite's profile, from conntrack in use, renders the apply body in order", () => {
  const plan = planHost(SCTP_PROFILE, debian61Facts("ct-in-use"));
  assert.deepEqual(plan.problems, []);
  assert.deepEqual(plan.steps.map(renderStep), [
    "nfd_module module:modules nf_log_syslog",
    "nfd_sysctl sysctl:nf_log net/netfilter/nf_log/2 '?' nf_log_ipv4",
    "nfd_sysctl sysctl:log_invalid net/netfilter/nf_conntrack_log_invalid 0 132 loads-modules",
    `nfd_printk printk:printk ${SCTP}:164 do_basic_checks _ p`,
  ]);
  assert.deepEqual(plan.changes, [
    { knob: "modules", key: "nf_log_syslog", from: "absent", to: "loaded" },
    { knob: "nf_log", key: "net.netfilter.nf_log.2", from: "?", to: "nf_log_ipv4" },
    { knob: "log_invalid", key: "net.netfilter.nf_conntrack_log_invalid", from: "0", to: "132" },
    { knob: "printk", key: `${SCTP}:164 do_basic_checks`, from: "_", to: "p" },
  ]);
  // Once nf_log_ipv4 is loaded (and bound), only the remaining knobs are left to change.
  assert.deepEqual(planHost(SCTP_PROFILE, debian61Facts("nf_log_ipv4")).steps.map(renderStep), [
    "nfd_sysctl sysctl:log_invalid net/netfilter/nf_conntrack_log_invalid 0 132 loads-modules",
    `nfd_printk printk:printk ${SCTP}:164 do_basic_checks _ p`,
  ]);
  // On a fresh boot the profile cannot be met: the SCTP sites do not exist yet.
  assert.equal(planHost(SCTP_PROFILE, debian61Facts("boot")).problems.length, 2);
});

/** What sh really passes to the function a rendered line calls. */
function shArgs(line: string): string[] {
  const out = execFileSync("sh", [
    "-c",
    `for f in nfd_sysctl nfd_module nfd_printk; do eval "$f() { printf '%s\\\\0' \\"\\$@\\"; }"; done\n${line}`,
  ]);
  return out.toString("utf8").split("\0").slice(0, -1);
}

test("renderStep: every value from the host reaches sh as exactly one word, however hostile", () => {
  const f = debian61Facts("nf_log_ipv4");
  const hostile = ["it's", "$(reboot)", "`id`", "a b\tc", "x\ny", "; rm -rf / #", "\\'\"", "*", "-n", ""];
  for (const value of hostile) {
    f.sysctl["nf_log/10"] = value;
    const [step] = planNfLog({ name: "p", nfLog: { ipv6: "NONE" } }, f).steps;
    assert.deepEqual(step, {
      kind: "sysctl",
      knob: "nf_log",
      path: "net/netfilter/nf_log/10",
      from: value,
      to: "NONE",
    });
    assert.deepEqual(
      shArgs(renderStep(step)),
      ["sysctl:nf_log", "net/netfilter/nf_log/10", value, "NONE"],
      JSON.stringify(value),
    );
  }
  const steps: Step[] = [
    { kind: "module", knob: "modules", name: "nf_log_ipv4", module: "nf_log_syslog" },
    { kind: "printk", knob: "printk", site: `${SCTP}:164`, func: "do_basic_checks", from: "_", to: "pflmt" },
    {
      kind: "sysctl",
      knob: "log_invalid",
      path: "net/netfilter/nf_conntrack_log_invalid",
      from: "?",
      to: "255",
    },
  ];
  assert.deepEqual(
    steps.map((s) => shArgs(renderStep(s))),
    [
      ["module:modules", "nf_log_syslog"],
      ["printk:printk", `${SCTP}:164`, "do_basic_checks", "_", "pflmt"],
      ["sysctl:log_invalid", "net/netfilter/nf_conntrack_log_invalid", "?", "255"],
    ],
  );
});
