// Kind `module`, facts: the sections facts.sh and facts.awk print ("modules": "NAME REFS" from
// /proc/modules or "-unsupported"; "modules_builtin"; "sysmodule": asked-for modules in /sys/module).
import type { FactSections } from "../../facts/sections.js";

export interface ModuleFacts {
  /** Loaded modules and their use counts; null when the kernel has no module support (/proc/modules absent). */
  modules: Record<string, number> | null;
  builtinModules: string[];
  /** Modules asked about that have /sys/module/NAME. */
  sysModules: string[];
}

export function readModuleFacts(sections: FactSections): ModuleFacts {
  const lines = sections.lines("modules");
  let modules: Record<string, number> | null = null;
  if (lines[0] !== "-unsupported") {
    modules = {};
    for (const line of lines) {
      const [name, refs] = line.split(" ");
      modules[name] = Number(refs);
    }
  }
  return {
    modules,
    builtinModules: sections.lines("modules_builtin"),
    sysModules: sections.lines("sysmodule"),
  };
}
