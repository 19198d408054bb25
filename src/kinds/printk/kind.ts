// Kind `printk`: dynamic-debug sites. Applied by nfd_printk, reverted by nfd_revert_printk
// (printk.sh), both through the control file the facts found.
import { call } from "../../shell/quote.js";
import { changeType, type Kind } from "../types.js";
import { printkFactFilters, type PrintkStep } from "./printk.js";

export const printkKind: Kind<PrintkStep> = {
  name: "printk",
  shell: new URL("./printk.sh", import.meta.url),
  lib: new URL("./lib.sh", import.meta.url),
  facts: { sh: new URL("./facts.sh", import.meta.url), awk: new URL("./facts.awk", import.meta.url) },
  factsArgs: (profile) => (profile ? printkFactFilters(profile).map((p) => `p:${p}`) : []),
  render: (step) => call("nfd_printk", changeType(step), step.site, step.func, step.from, step.to),
  change: (step) => ({ knob: step.knob, key: `${step.site} ${step.func}`, from: step.from, to: step.to }),
  displayKey: (key) => key,
  summary: (facts) =>
    facts.printk.control === null
      ? []
      : [
          `printk_sites_on=${facts.printk.sites.filter((s) => s.flags !== "_" && s.file.startsWith("net/netfilter/")).length}`,
        ],
  doctor: (facts) => [
    {
      name: "dynamic debug",
      ok: facts.printk.control !== null,
      value: facts.printk.control ?? "absent",
      fix: "needs CONFIG_DYNAMIC_DEBUG; with it, mount debugfs or use a 5.6+ kernel for /proc/dynamic_debug/control",
    },
  ],
};
