// The knob planners against facts recorded on the Debian 12 VM (kernel 6.1, loadable modules,
// dynamic debug), in the states a host goes through: fresh boot, nf_conntrack loaded, conntrack in
// use by a ruleset, nf_log_ipv4 loaded (test/fixtures/facts/README.md says how each was made).
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { parseFacts } from "../../../src/facts/parse.js";
import type { HostFacts } from "../../../src/facts/types.js";
import { planAllNetns } from "../../../src/kinds/sysctl/allNetns.js";
import { planLogInvalid } from "../../../src/kinds/sysctl/logInvalid.js";
import { moduleState, planModules } from "../../../src/kinds/module/modules.js";
import { planNfLog } from "../../../src/kinds/sysctl/nfLog.js";
import { planPrintk } from "../../../src/kinds/printk/printk.js";
import { renderStep, type Step } from "../../../src/kinds/registry.js";
import { planHost } from "../../../src/engine/plan.js";
import type { Profile } from "../../../src/profile/types.js";

type State = "boot" | "nf_conntrack" | "ct-in-use" | "nf_log_ipv4";
const recorded = (state: State): HostFacts =>
  parseFacts(
    readFileSync(new URL(`../../../../test/fixtures/facts/debian-6.1-${state}.txt`, import.meta.url), "utf8"),
  );

const KERNEL = "6.1.0-50-amd64";
const SCTP = "net/netfilter/nf_conntrack_proto_sctp.c";
/** The profile of the VM suite (issue 4), also the one whose facts request was recorded. */
const SCTP_PROFILE: Profile = {
  name: "sctp-deep-dive",
  logInvalid: 132,
  nfLog: { ipv4: "nf_log_ipv4" },
  modules: ["nf_log_ipv4"],
  printk: [{ file: SCTP, line: 164, func: "do_basic_checks", flags: "p" }],
};
const sctpSites = (f: HostFacts) => f.printk.sites.filter((s) => s.file === SCTP);

test("facts: a fresh 6.1 boot has no conntrack sysctls, no loggers, and dynamic debug without conntrack's sites", () => {
  const f = recorded("boot");
  assert.equal(f.kernel, KERNEL);
  assert.match(f.bootId, /^[0-9a-f-]{36}$/);
  assert.equal(f.uid, 0);
  assert.equal(f.initialNetns, true);
  assert.equal(f.sysctl["nf_conntrack_log_invalid"], undefined);
  assert.equal(f.sysctl["nf_log_all_netns"], "0");
  for (let n = 0; n <= 10; n++) {
    assert.equal(f.sysctl[`nf_log/${n}`], "NONE");
    assert.deepEqual(f.loggers[n], { bound: "NONE", registered: [] });
  }
  assert.ok(f.modules && !("nf_conntrack" in f.modules) && !("nf_log_syslog" in f.modules));
  assert.deepEqual(f.builtinModules, [], "Debian builds netfilter as modules");
  assert.deepEqual(f.sysModules, []);
  assert.equal(f.printk.control, "/proc/dynamic_debug/control");
  assert.deepEqual(sctpSites(f), []);
  for (const tool of ["modprobe", "systemd-run", "systemd", "journalctl", "conntrack", "kmsg"])
    assert.ok(f.tools.includes(tool), tool);
  assert.equal(f.logSources?.preferred?.kind, "journald");
  assert.deepEqual(
    f.logSources?.sources.map((s) => s.kind),
    ["journald", "kmsg", "dmesg"],
  );
  assert.equal(f.logSources?.bootId, f.bootId);
  assert.deepEqual([f.window, f.journal, f.history], [null, [], []]);
  assert.equal(moduleState("nf_conntrack", f), "absent");
  assert.equal(moduleState("nf_log_syslog", f), "absent");
});

test("facts: after modprobe nf_conntrack, log_invalid reads 0 and the SCTP sites exist, none enabled", () => {
  const f = recorded("nf_conntrack");
  assert.equal(f.sysctl["nf_conntrack_log_invalid"], "0");
  assert.equal(f.modules?.["nf_conntrack"], 0, "loaded, nothing uses it yet");
  assert.deepEqual(f.sysModules, ["nf_conntrack"]);
  assert.equal(moduleState("nf_conntrack", f), "loaded");
  const sites = sctpSites(f);
  assert.equal(sites.length, 27);
  assert.ok(sites.every((s) => s.module === "nf_conntrack" && s.flags === "_"));
  assert.deepEqual(sites[0], {
    file: SCTP,
    line: 164,
    module: "nf_conntrack",
    func: "do_basic_checks",
    flags: "_",
    format: "Chunk Num: %d  Type: %d",
  });
  // The loggers are still unbound: nf_conntrack alone registers none.
  assert.deepEqual(f.loggers[2], { bound: "NONE", registered: [] });
});

test("facts: a ruleset using ct state holds nf_conntrack; nf_log_ipv4 loads nf_log_syslog and binds five families", () => {
  const inUse = recorded("ct-in-use");
  assert.equal(inUse.modules?.["nf_conntrack"], 1);
  assert.ok(inUse.modules && "nft_ct" in inUse.modules);
  const f = recorded("nf_log_ipv4");
  assert.equal(f.modules?.["nf_log_syslog"], 0);
  assert.ok(f.modules && !("nf_log_ipv4" in f.modules), "the old name is only an alias");
  assert.deepEqual(f.sysModules.sort(), ["nf_conntrack", "nf_log_syslog"]);
  const bound = {
    2: "nf_log_ipv4",
    3: "nf_log_arp",
    5: "nf_log_netdev",
    7: "nf_log_bridge",
    10: "nf_log_ipv6",
  } as Record<number, string>;
  for (let n = 0; n <= 10; n++) {
    const name = bound[n];
    assert.deepEqual(
      f.loggers[n],
      name ? { bound: name, registered: [name] } : { bound: "NONE", registered: [] },
      `family ${n}`,
    );
    assert.equal(f.sysctl[`nf_log/${n}`], name ?? "NONE");
  }
  assert.equal(moduleState("nf_log_syslog", f), "loaded");
});

test("planModules: the alias loads nf_log_syslog once; loaded modules need nothing", () => {
  const boot = recorded("boot");
  assert.deepEqual(
    planModules({ name: "p", modules: ["nf_log_ipv4", "nf_log_ipv6", "nf-conntrack"] }, boot),
    {
      steps: [
        { kind: "module", knob: "modules", name: "nf_log_ipv4", module: "nf_log_syslog" },
        { kind: "module", knob: "modules", name: "nf-conntrack", module: "nf_conntrack" },
      ],
      problems: [],
    },
  );
  assert.deepEqual(planModules({ name: "p", modules: ["nf_conntrack"] }, recorded("ct-in-use")), {
    steps: [],
    problems: [],
  });
  assert.deepEqual(
    planModules({ name: "p", modules: ["nf_log_ipv4", "nf_log_syslog"] }, recorded("nf_log_ipv4")),
    { steps: [], problems: [] },
  );
  const noModprobe = recorded("boot");
  noModprobe.tools = noModprobe.tools.filter((t) => t !== "modprobe");
  assert.deepEqual(planModules({ name: "p", modules: ["nf_log_ipv4"] }, noModprobe).problems, [
    "module nf_log_ipv4 is not loaded and modprobe is not installed",
  ]);
});

test("planNfLog: a backend needs its registration or the module that registers it", () => {
  const boot = recorded("boot");
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
  const loaded = recorded("nf_log_ipv4");
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

test("planLogInvalid: absent until nf_conntrack loads; planned from the recorded value once it has", () => {
  const boot = recorded("boot");
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
      },
    ],
    problems: [],
  });
  for (const state of ["nf_conntrack", "ct-in-use", "nf_log_ipv4"] as const) {
    assert.deepEqual(
      planLogInvalid({ name: "p", logInvalid: 6 }, recorded(state)).steps,
      [
        {
          kind: "sysctl",
          knob: "log_invalid",
          path: "net/netfilter/nf_conntrack_log_invalid",
          from: "0",
          to: "6",
        },
      ],
      state,
    );
    assert.deepEqual(
      planLogInvalid({ name: "p", logInvalid: 0 }, recorded(state)).steps,
      [],
      `${state}: already off`,
    );
  }
});

test("planAllNetns: the VM's shell is in the initial namespace, where the knob exists", () => {
  const f = recorded("ct-in-use");
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

test("planPrintk: selectors resolve against the recorded control file", () => {
  const f = recorded("ct-in-use");
  assert.deepEqual(planPrintk(SCTP_PROFILE, f), {
    steps: [
      { kind: "printk", knob: "printk", site: `${SCTP}:164`, func: "do_basic_checks", from: "_", to: "p" },
    ],
    problems: [],
  });
  const byFunc = planPrintk(
    { name: "p", printk: [{ file: "nf_conntrack_proto_sctp.c", func: "do_basic_checks", flags: "fp" }] },
    f,
  );
  assert.deepEqual(
    byFunc.steps.map((s) => s.kind === "printk" && [s.site, s.from, s.to]),
    [
      [`${SCTP}:164`, "_", "pf"],
      [`${SCTP}:180`, "_", "pf"],
      [`${SCTP}:188`, "_", "pf"],
    ],
  );
  // Debian's 6.1 boots with some sites already enabled: a selector adds flags to what is there.
  const boot = recorded("boot");
  assert.deepEqual(planPrintk({ name: "p", printk: [{ func: "initcall_blacklist", flags: "p" }] }, boot), {
    steps: [],
    problems: [],
  });
  assert.deepEqual(
    planPrintk({ name: "p", printk: [{ func: "initcall_blacklist", flags: "t" }] }, boot).steps,
    [
      {
        kind: "printk",
        knob: "printk",
        site: "init/main.c:1190",
        func: "initcall_blacklist",
        from: "p",
        to: "pt",
      },
    ],
  );
});

test("planPrintk: a line that does not exist on 6.1 names the selector, the kernel and the lines that do", () => {
  const f = recorded("ct-in-use");
  const { steps, problems } = planPrintk({ name: "p", printk: [{ file: SCTP, line: 165, flags: "p" }] }, f);
  assert.deepEqual(steps, []);
  assert.deepEqual(problems, [
    `printk selector "file ${SCTP} line 165" matches no dynamic-debug site on kernel ${KERNEL} ` +
      `(its sites on this kernel are at lines 164, 180, 188, 198, 202, 206, 210, 214, 218, 222, 226, 230, 234, 238, 242, 247, 252, 278, 294, 299, ... of ${SCTP})`,
  ]);
});

test("planPrintk: before nf_conntrack loads there are no sites, and the problem says why", () => {
  const boot = recorded("boot");
  assert.deepEqual(planPrintk(SCTP_PROFILE, boot).problems, [
    `printk selector "file ${SCTP} line 164 func do_basic_checks" matches no dynamic-debug site on kernel ${KERNEL} ` +
      "(sites of a module exist only while it is loaded, and nf_conntrack is not: load it first, e.g. with a ruleset that uses conntrack; selectors are resolved before the profile's modules load)",
  ]);
  assert.match(
    planPrintk({ name: "p", printk: [{ module: "nf_nat", flags: "p" }] }, recorded("ct-in-use")).problems[0],
    /matches no dynamic-debug site on kernel 6\.1\.0-50-amd64 \(sites of a module exist only while it is loaded\)$/,
  );
});

test("planHost: the VM suite's profile, from conntrack in use, renders the apply body in order", () => {
  const plan = planHost(SCTP_PROFILE, recorded("ct-in-use"));
  assert.deepEqual(plan.problems, []);
  assert.deepEqual(plan.steps.map(renderStep), [
    "nfd_module module:modules nf_log_ipv4 nf_log_syslog",
    "nfd_sysctl sysctl:nf_log net/netfilter/nf_log/2 '?' nf_log_ipv4",
    "nfd_sysctl sysctl:log_invalid net/netfilter/nf_conntrack_log_invalid 0 132",
    `nfd_printk printk:printk ${SCTP}:164 do_basic_checks _ p`,
  ]);
  assert.deepEqual(plan.changes, [
    { knob: "modules", key: "nf_log_syslog", from: "absent", to: "loaded" },
    { knob: "nf_log", key: "net.netfilter.nf_log.2", from: "?", to: "nf_log_ipv4" },
    { knob: "log_invalid", key: "net.netfilter.nf_conntrack_log_invalid", from: "0", to: "132" },
    { knob: "printk", key: `${SCTP}:164 do_basic_checks`, from: "_", to: "p" },
  ]);
  // Once nf_log_ipv4 is loaded (and bound), only the remaining knobs are left to change.
  assert.deepEqual(planHost(SCTP_PROFILE, recorded("nf_log_ipv4")).steps.map(renderStep), [
    "nfd_sysctl sysctl:log_invalid net/netfilter/nf_conntrack_log_invalid 0 132",
    `nfd_printk printk:printk ${SCTP}:164 do_basic_checks _ p`,
  ]);
  // On a fresh boot the profile cannot be met: the SCTP sites do not exist yet.
  assert.equal(planHost(SCTP_PROFILE, recorded("boot")).problems.length, 2);
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
  const f = recorded("nf_log_ipv4");
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
      ["module:modules", "nf_log_ipv4", "nf_log_syslog"],
      ["printk:printk", `${SCTP}:164`, "do_basic_checks", "_", "pflmt"],
      ["sysctl:log_invalid", "net/netfilter/nf_conntrack_log_invalid", "?", "255"],
    ],
  );
});

test("planPrintk: a site whose name would need quoting is refused rather than passed on", () => {
  const f = recorded("ct-in-use");
  const site = f.printk.sites.find((s) => s.file === SCTP && s.line === 164)!;
  site.func = "do_basic_checks$(reboot)";
  const byLine = planPrintk({ name: "p", printk: [{ file: SCTP, line: 164, flags: "p" }] }, f);
  assert.deepEqual(byLine.steps, []);
  assert.deepEqual(byLine.problems, [
    `printk site ${SCTP}:164 do_basic_checks$(reboot) has characters nfdebug will not pass to a shell`,
  ]);
});
