// Records per kernel version and reason, for a run over hosts of several kernels: which reasons only
// some kernels log ("only the 6.12 hosts see invalid new") shows at a glance.
import { compareKernelSeries, kernelSeries } from "../facts/kernelVersion.js";
import type { HostRow, KernelGroup } from "./model.js";

/** The run's hosts grouped by kernel version, oldest first; empty unless they run two or more. */
export function kernelGroups(hosts: HostRow[]): KernelGroup[] {
  const groups = new Map<string, KernelGroup>();
  for (const h of hosts) {
    if (!h.inInventory) continue;
    const kernel = kernelSeries(h.kernel);
    let g = groups.get(kernel);
    if (!g) groups.set(kernel, (g = { kernel, releases: [], hosts: [], records: 0, byReason: {} }));
    if (h.kernel && !g.releases.includes(h.kernel)) g.releases.push(h.kernel);
    g.hosts.push(h.name);
    g.records += h.records;
    for (const [id, n] of Object.entries(h.byReason)) g.byReason[id] = (g.byReason[id] ?? 0) + n;
  }
  const known = [...groups.values()].filter((g) => g.kernel !== "unknown");
  if (known.length < 2) return [];
  for (const g of groups.values()) {
    g.hosts.sort();
    g.releases.sort();
  }
  return [...groups.values()].sort((a, b) => compareKernelSeries(a.kernel, b.kernel));
}
