// Hosts that got the same changes and ended the same way are shown once, with their names:
// twenty identical hosts make one table, not twenty.

import type { ReportChange, ReportHost, RevertOutcome } from "./model.js";

export interface ChangeGroup {
  hosts: string[];
  changes: ReportChange[];
  reverted: RevertOutcome;
}

export function changeGroups(
  hosts: ReadonlyArray<Pick<ReportHost, "name" | "changes" | "reverted">>,
): ChangeGroup[] {
  const groups = new Map<string, ChangeGroup>();
  for (const h of hosts) {
    const key = JSON.stringify([h.changes.map((c) => [c.knob, c.key, c.from, c.to]), h.reverted]);
    const g = groups.get(key);
    if (g) g.hosts.push(h.name);
    else groups.set(key, { hosts: [h.name], changes: h.changes, reverted: h.reverted });
  }
  // problems first (a failed or missing revert is what the reader must act on), then the biggest group
  const severity = (g: ChangeGroup) =>
    g.changes.length === 0
      ? 2
      : g.reverted === true || g.reverted === "expired" || g.reverted === "tripped"
        ? 1
        : 0;
  return [...groups.values()].sort((a, b) => severity(a) - severity(b) || b.hosts.length - a.hosts.length);
}
