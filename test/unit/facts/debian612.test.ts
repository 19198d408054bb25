// The facts parser and the planners on the Debian 13 VM (kernel 6.12, systemd 257), recorded in the
// same states as the 6.1 facts (debian61.test.ts): where the two kernels differ, each one's truth.
import { test } from "node:test";
import assert from "node:assert/strict";
import { moduleState, planModules } from "../../../src/kinds/module/modules.js";
import { planPrintk } from "../../../src/kinds/printk/printk.js";
import type { HostFacts } from "../../../src/facts/types.js";
import {
  DEBIAN612_KERNEL,
  DEBIAN61_KERNEL,
  SCTP,
  debian612Facts,
  debian61Facts,
} from "../../support/recordedFacts.js";

const sctpSites = (f: HostFacts) => f.printk.sites.filter((s) => s.file === SCTP);

test("facts 6.12: a fresh boot has nfnetlink loaded and held (systemd 257); 6.1 has not", () => {
  const f = debian612Facts("boot");
  assert.equal(f.kernel, DEBIAN612_KERNEL);
  assert.equal(f.modules?.["nfnetlink"], 2, "used, by no module: systemd's netlink sockets");
  assert.equal(moduleState("nfnetlink", f), "loaded");
  assert.equal(moduleState("nfnetlink", debian61Facts("boot")), "absent");
  // A profile naming nfnetlink changes nothing here: it is not nfdebug's to load, nor to unload.
  const profile = { name: "p", modules: ["nfnetlink"] };
  assert.deepEqual(planModules(profile, f).steps, []);
  assert.equal(planModules(profile, debian61Facts("boot")).steps.length, 1);
  assert.equal(moduleState("nf_conntrack", f), "absent");
  assert.deepEqual(sctpSites(f), []);
  assert.equal(f.logSources?.preferred?.kind, "journald");
});

test("facts 6.12: 9 SCTP dynamic-debug sites (27 on 6.1), none in do_basic_checks, no class suffix", () => {
  const f = debian612Facts("nf_conntrack");
  const sites = sctpSites(f);
  assert.equal(sites.length, 9);
  assert.equal(sctpSites(debian61Facts("nf_conntrack")).length, 27);
  assert.deepEqual(
    [...new Set(sites.map((s) => s.func))],
    ["sctp_new_state", "sctp_new", "nf_conntrack_sctp_packet"],
  );
  assert.deepEqual(sites[1], {
    file: SCTP,
    line: 262,
    module: "nf_conntrack",
    func: "sctp_new",
    flags: "_",
    format: "nf_conntrack_sctp: invalid new deleting.",
  });
  assert.ok(f.printk.sites.every((s) => !/ class:/.test(s.format)));
});

test("planPrintk: flag s is planned on 6.12 and refused on 6.1 for the same selector", () => {
  const selector = { name: "p", printk: [{ file: SCTP, func: ["sctp_new"], flags: "ps" }] };
  const on612 = planPrintk(selector, debian612Facts("ct-in-use"));
  assert.deepEqual(on612.problems, []);
  assert.deepEqual(
    on612.steps.map((s) => [s.site, s.from, s.to]),
    [
      [`${SCTP}:262`, "_", "ps"],
      [`${SCTP}:278`, "_", "ps"],
      [`${SCTP}:283`, "_", "ps"],
      [`${SCTP}:289`, "_", "ps"],
    ],
  );
  const on61 = planPrintk(selector, debian61Facts("ct-in-use"));
  assert.deepEqual(on61.steps, []);
  assert.match(
    on61.problems[0],
    new RegExp(`needs kernel 6\\.6 or later; kernel ${DEBIAN61_KERNEL} rejects it`),
  );
});

test("planPrintk: flag d (a stack dump, 6.19+) is refused at plan on 6.12", () => {
  const selector = { name: "p", printk: [{ file: SCTP, func: ["sctp_new"], flags: "pd" }] };
  const plan = planPrintk(selector, debian612Facts("ct-in-use"));
  assert.deepEqual(plan.steps, []);
  assert.match(
    plan.problems[0],
    /printk flag "d" .* needs kernel 6\.19 or later; kernel 6\.12\.\S+ rejects it/,
  );
});

test("facts 6.12: nf_log_ipv4 loads nf_log_syslog, which binds the same five families as on 6.1", () => {
  const f = debian612Facts("nf_log_ipv4");
  const g = debian61Facts("nf_log_ipv4");
  assert.equal(f.modules?.["nf_log_syslog"], 0);
  for (let n = 0; n <= 10; n++) assert.deepEqual(f.loggers[n], g.loggers[n], `family ${n}`);
});

test("one selector for 6.1 and 6.12: a function list takes whichever functions the kernel has", () => {
  // The shipped SCTP deep dive's function has sites on 6.1 only; sctp_new has them on both.
  const profile = { name: "p", printk: [{ file: SCTP, func: ["do_basic_checks", "sctp_new"], flags: "p" }] };
  const funcs = (f: HostFacts) => {
    const plan = planPrintk(profile, f);
    assert.deepEqual(plan.problems, []);
    return [...new Set(plan.steps.map((s) => s.func))].sort();
  };
  const on61 = debian61Facts("ct-in-use");
  const on612 = debian612Facts("ct-in-use");
  const has = (f: HostFacts, func: string) => sctpSites(f).some((s) => s.func === func);
  assert.ok(has(on61, "do_basic_checks") && !has(on612, "do_basic_checks"));
  assert.deepEqual(funcs(on612), ["sctp_new"]);
  assert.deepEqual(
    funcs(on61),
    has(on61, "sctp_new") ? ["do_basic_checks", "sctp_new"] : ["do_basic_checks"],
  );
});

test("an optional selector that matches nothing on 6.12 is a warning there; the other selectors still apply", () => {
  const profile = {
    name: "p",
    printk: [
      { file: SCTP, func: ["do_basic_checks"], flags: "p", optional: true },
      { file: SCTP, func: ["sctp_new"], flags: "p" },
    ],
  };
  const on612 = planPrintk(profile, debian612Facts("ct-in-use"));
  assert.deepEqual(on612.problems, []);
  assert.ok(on612.steps.length > 0 && on612.steps.every((s) => s.func === "sctp_new"));
  assert.equal(on612.warnings?.length, 1);
  assert.match(
    on612.warnings?.[0] ?? "",
    /^printk selector "file \S+ func do_basic_checks" matches no dynamic-debug site on kernel 6\.12\.\S+ \(its sites on this kernel are at lines [\d, ]+ of \S+\); it is optional, so the rest goes on$/,
  );
  const required = planPrintk(
    { name: "p", printk: [profile.printk[0]].map((s) => ({ ...s, optional: false })) },
    debian612Facts("ct-in-use"),
  );
  assert.equal(required.problems.length, 1, "without optional: refused");
  assert.equal(
    planPrintk(profile, debian61Facts("ct-in-use")).warnings,
    undefined,
    "6.1 has the sites: no warning",
  );
});
