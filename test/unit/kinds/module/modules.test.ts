// Knob modules planned from facts recorded on real kernels: aliases, built-ins, loaded modules.
import { test } from "node:test";
import assert from "node:assert/strict";
import { planModules, realModuleName } from "../../../../src/kinds/module/modules.js";
import { renderStep } from "../../../../src/kinds/registry.js";
import { debian61Facts, debianLike, netnsFacts } from "../../../support/recordedFacts.js";

test("modules: aliases resolve to nf_log_syslog from 5.13; built-ins and loaded modules need nothing", () => {
  assert.equal(realModuleName("nf_log_ipv4", "6.1.0-27-amd64"), "nf_log_syslog");
  assert.equal(realModuleName("nf_log_ipv4", "5.10.0-30-amd64"), "nf_log_ipv4");
  assert.equal(realModuleName("nf-conntrack", "6.1.0"), "nf_conntrack");
  assert.deepEqual(planModules({ name: "p", modules: ["nf_log_ipv4", "nf_conntrack"] }, debianLike()).steps, [
    { kind: "module", knob: "modules", name: "nf_log_ipv4", module: "nf_log_syslog" },
  ]);
  assert.deepEqual(
    planModules({ name: "p", modules: ["nf_log_syslog"] }, netnsFacts()),
    { steps: [], problems: [] },
    "built in on 6.18",
  );
  assert.match(
    planModules({ name: "p", modules: ["sctp_diag"] }, netnsFacts()).problems[0],
    /no module support/,
  );
});

test("planModules: the alias loads nf_log_syslog once; loaded modules need nothing", () => {
  const boot = debian61Facts("boot");
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
  assert.deepEqual(planModules({ name: "p", modules: ["nf_conntrack"] }, debian61Facts("ct-in-use")), {
    steps: [],
    problems: [],
  });
  assert.deepEqual(
    planModules({ name: "p", modules: ["nf_log_ipv4", "nf_log_syslog"] }, debian61Facts("nf_log_ipv4")),
    { steps: [], problems: [] },
  );
  const noModprobe = debian61Facts("boot");
  noModprobe.tools = noModprobe.tools.filter((t) => t !== "modprobe");
  assert.deepEqual(planModules({ name: "p", modules: ["nf_log_ipv4"] }, noModprobe).problems, [
    "module nf_log_ipv4 is not loaded and modprobe is not installed",
  ]);
});

test("modules: nf_log_common, no alias on 5.13+, is loaded by its real name (6.1), and is built in on 6.18", () => {
  // Debian 6.1 at boot: `modprobe nf_log_common` fails there (nf_log_syslog's aliases are arp,
  // bridge, ipv4, ipv6 and netdev), so the apply line must name nf_log_syslog itself.
  const steps = planModules({ name: "p", modules: ["nf_log_common"] }, debian61Facts("boot")).steps;
  assert.deepEqual(steps, [
    { kind: "module", knob: "modules", name: "nf_log_common", module: "nf_log_syslog" },
  ]);
  assert.deepEqual(steps.map(renderStep), ["nfd_module module:modules nf_log_syslog"]);
  assert.deepEqual(
    planModules({ name: "p", modules: ["nf_log_ipv4"] }, debian61Facts("boot")).steps.map(renderStep),
    ["nfd_module module:modules nf_log_syslog"],
  );
  // Before 5.13 nf_log_common is a module of its own.
  assert.equal(realModuleName("nf_log_common", "5.10.0-30-amd64"), "nf_log_common");
  // 6.18 here: nf_log_syslog is built in (its loggers are registered): nothing to load, no problem.
  assert.deepEqual(planModules({ name: "p", modules: ["nf_log_common"] }, netnsFacts()), {
    steps: [],
    problems: [],
  });
});
