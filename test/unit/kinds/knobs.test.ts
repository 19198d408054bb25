import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { parseFacts } from "../../../src/facts/parse.js";
import type { HostFacts } from "../../../src/facts/types.js";
import { planLogInvalid } from "../../../src/kinds/sysctl/logInvalid.js";
import { planNfLog } from "../../../src/kinds/sysctl/nfLog.js";
import { planAllNetns } from "../../../src/kinds/sysctl/allNetns.js";
import { planModules, realModuleName } from "../../../src/kinds/module/modules.js";
import { canonicalFlags, planPrintk, selectorMatches } from "../../../src/kinds/printk/printk.js";
import { renderStep } from "../../../src/kinds/registry.js";
import { planHost } from "../../../src/engine/plan.js";

const recorded = (name: string): HostFacts =>
  parseFacts(readFileSync(new URL(`../../../../test/fixtures/facts/${name}`, import.meta.url), "utf8"));
const netns = () => recorded("kernel-6.18-netns.txt");
const initial = () => recorded("kernel-6.18-initial-netns.txt");

/** A loadable-module kernel like Debian 12's 6.1, derived from the recorded facts. */
function debianLike(): HostFacts {
  const f = netns();
  f.kernel = "6.1.0-27-amd64";
  f.modules = { nf_conntrack: 1, nf_tables: 3 };
  f.loggers = Object.fromEntries(
    Array.from({ length: 11 }, (_, n) => [n, { bound: "NONE", registered: [] }]),
  );
  for (let n = 0; n <= 10; n++) f.sysctl[`nf_log/${n}`] = "NONE";
  f.tools = [...f.tools, "modprobe"];
  f.printk = {
    control: "/proc/dynamic_debug/control",
    sites: [
      {
        file: "net/netfilter/nf_conntrack_proto_sctp.c",
        line: 164,
        module: "nf_conntrack",
        func: "do_basic_checks",
        flags: "_",
        format: "Chunk Num: %d  Type: %d",
      },
      {
        file: "net/netfilter/nf_conntrack_proto_sctp.c",
        line: 390,
        module: "nf_conntrack",
        func: "nf_conntrack_sctp_packet",
        flags: "p",
        format: "nf_conntrack_sctp_packet: unknown state",
      },
    ],
  };
  return f;
}

test("log_invalid: protocol number planned from the current value", () => {
  const plan = planLogInvalid({ name: "p", logInvalid: 6 }, netns());
  assert.deepEqual(plan.steps, [
    {
      kind: "sysctl",
      knob: "log_invalid",
      path: "net/netfilter/nf_conntrack_log_invalid",
      from: "0",
      to: "6",
    },
  ]);
  assert.deepEqual(planLogInvalid({ name: "p", logInvalid: 0 }, netns()).steps, [], "already 0: no change");
  assert.deepEqual(planLogInvalid({ name: "p" }, netns()).steps, [], "absent field is not managed");
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
  const g = netns();
  assert.deepEqual(planNfLog({ name: "p", nfLog: { ipv6: "NONE" } }, g).steps, [
    { kind: "sysctl", knob: "nf_log", path: "net/netfilter/nf_log/10", from: "nf_log_ipv6", to: "NONE" },
  ]);
  assert.deepEqual(planNfLog({ name: "p", nfLog: { ipv4: "nf_log_ipv4" } }, g).steps, [], "already bound");
});

test("nf_log_all_netns: only in the initial namespace", () => {
  assert.match(
    planAllNetns({ name: "p", nfLogAllNetns: true }, netns()).problems[0],
    /not in the initial network namespace/,
  );
  assert.deepEqual(planAllNetns({ name: "p", nfLogAllNetns: false }, netns()), { steps: [], problems: [] });
  const f = initial();
  f.sysctl["nf_log_all_netns"] = "0";
  assert.deepEqual(planAllNetns({ name: "p", nfLogAllNetns: true }, f).steps, [
    { kind: "sysctl", knob: "nf_log_all_netns", path: "net/netfilter/nf_log_all_netns", from: "0", to: "1" },
  ]);
});

test("modules: aliases resolve to nf_log_syslog from 5.13; built-ins and loaded modules need nothing", () => {
  assert.equal(realModuleName("nf_log_ipv4", "6.1.0-27-amd64"), "nf_log_syslog");
  assert.equal(realModuleName("nf_log_ipv4", "5.10.0-30-amd64"), "nf_log_ipv4");
  assert.equal(realModuleName("nf-conntrack", "6.1.0"), "nf_conntrack");
  assert.deepEqual(planModules({ name: "p", modules: ["nf_log_ipv4", "nf_conntrack"] }, debianLike()).steps, [
    { kind: "module", knob: "modules", name: "nf_log_ipv4", module: "nf_log_syslog" },
  ]);
  assert.deepEqual(
    planModules({ name: "p", modules: ["nf_log_syslog"] }, netns()),
    { steps: [], problems: [] },
    "built in on 6.18",
  );
  assert.match(planModules({ name: "p", modules: ["sctp_diag"] }, netns()).problems[0], /no module support/);
});

test("printk: selectors resolve against the host's sites; flags in kernel order", () => {
  const f = debianLike();
  const plan = planPrintk(
    { name: "p", printk: [{ file: "net/netfilter/nf_conntrack_proto_sctp.c", flags: "fp" }] },
    f,
  );
  assert.deepEqual(plan.steps, [
    {
      kind: "printk",
      knob: "printk",
      site: "net/netfilter/nf_conntrack_proto_sctp.c:164",
      func: "do_basic_checks",
      from: "_",
      to: "pf",
    },
    {
      kind: "printk",
      knob: "printk",
      site: "net/netfilter/nf_conntrack_proto_sctp.c:390",
      func: "nf_conntrack_sctp_packet",
      from: "p",
      to: "pf",
    },
  ]);
  assert.deepEqual(
    planPrintk({ name: "p", printk: [{ file: "nf_conntrack_proto_sctp.c", line: 390, flags: "p" }] }, f)
      .steps,
    [],
    "basename match, already p",
  );
  const none = planPrintk(
    { name: "p", printk: [{ file: "net/netfilter/nf_conntrack_proto_tcp.c", line: 1005, flags: "p" }] },
    f,
  );
  assert.match(none.problems[0], /matches no dynamic-debug site on kernel 6.1.0-27-amd64/);
  assert.match(
    planPrintk({ name: "p", printk: [{ func: "x", flags: "p" }] }, netns()).problems[0],
    /dynamic debug is not available/,
  );
  assert.equal(canonicalFlags("tlfp"), "pflt");
  assert.equal(canonicalFlags("_"), "_");
  assert.ok(selectorMatches({ func: "do_*", flags: "p" }, f.printk.sites[0]));
  assert.ok(!selectorMatches({ line: [1, 100], flags: "p" }, f.printk.sites[0]));
});

test("plan orders modules before the knobs that need them, and renders quoted script lines", () => {
  const f = debianLike();
  const plan = planHost(
    {
      name: "p",
      modules: ["nf_log_ipv4"],
      nfLog: { ipv4: "nf_log_ipv4" },
      logInvalid: 132,
      printk: [{ func: "do_basic_checks", flags: "p" }],
    },
    f,
  );
  assert.deepEqual(plan.problems, []);
  assert.deepEqual(plan.steps.map(renderStep), [
    "nfd_module module:modules nf_log_ipv4 nf_log_syslog",
    "nfd_sysctl sysctl:nf_log net/netfilter/nf_log/2 '?' nf_log_ipv4",
    "nfd_sysctl sysctl:log_invalid net/netfilter/nf_conntrack_log_invalid 0 132",
    "nfd_printk printk:printk net/netfilter/nf_conntrack_proto_sctp.c:164 do_basic_checks _ p",
  ]);
  assert.deepEqual(plan.changes[0], { knob: "modules", key: "nf_log_syslog", from: "absent", to: "loaded" });
});
