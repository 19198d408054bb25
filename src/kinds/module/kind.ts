// Kind `module`: kernel modules loaded for the window. Applied by nfd_module, reverted by
// nfd_revert_module (module.sh): rmmod of what nfdebug's own modprobe (or a write that made the
// kernel load one) loaded, in rounds while something is still in use.
import { call } from "../../shell/quote.js";
import { changeType, type Kind } from "../types.js";
import { NF_LOG_SYSLOG_SINCE, realModuleName, type ModuleStep } from "./modules.js";

const DEFAULT_MODULES = ["nf_conntrack", "nf_log_syslog", "nfnetlink_log"];

export const moduleKind: Kind<ModuleStep> = {
  name: "module",
  shell: new URL("./module.sh", import.meta.url),
  facts: { sh: new URL("./facts.sh", import.meta.url), awk: new URL("./facts.awk", import.meta.url) },
  factsArgs(profile) {
    const modules = new Set(DEFAULT_MODULES);
    // The kernel release is not known yet: ask about both the name as written and its 5.13+ name.
    for (const m of profile?.modules ?? []) {
      modules.add(m.replaceAll("-", "_"));
      modules.add(realModuleName(m, NF_LOG_SYSLOG_SINCE));
    }
    return [...modules].map((m) => `m:${m}`);
  },
  // The real name, never the profile's spelling: an old name may be no alias on this kernel
  // (nf_log_common on 5.13+), and the real name is what /proc/modules lists and revert unloads.
  render: (step) => call("nfd_module", changeType(step), step.module),
  change: (step) => ({ knob: step.knob, key: step.module, from: "absent", to: "loaded" }),
  displayKey: (key) => key,
  summary(facts) {
    if (facts.modules === null) return ["modules=built-in"];
    const loaded = DEFAULT_MODULES.filter((m) => m in facts.modules!);
    return [`modules=${loaded.join(",") || "none"}`];
  },
  doctor: (facts) => [
    {
      name: "modules",
      ok: facts.modules === null || facts.tools.includes("modprobe"),
      value:
        facts.modules === null
          ? "no module support (all built in)"
          : `${Object.keys(facts.modules).length} loaded`,
      fix: "install kmod (modprobe) to let profiles load modules",
    },
  ],
};
