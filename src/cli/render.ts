// Human renderings shared by the fleet commands.
import type { Change } from "../kinds/types.js";
import type { HostOutcome } from "../engine/result.js";
import { KINDS } from "../kinds/registry.js";
import type { ApplyOutcome, ExtendOutcome, FactsOutcome, RevertOutcome } from "../engine/outcomes.js";

export function changeLines(changes: Change[]): string[] {
  return changes.map(
    (c) =>
      `${c.side_effect ? "~" : "*"} ${c.key}: ${c.from} -> ${c.to}${c.side_effect ? "  (side effect)" : ""}`,
  );
}

export function factsSummary(o: FactsOutcome): string {
  const f = o.facts;
  return [
    `${o.host}: kernel ${f.kernel}`,
    ...KINDS.map((k) => k.summary(f).join(" ")),
    `window=${f.window ? f.window.id : "none"}`,
  ]
    .filter(Boolean)
    .join("  ");
}

/** apply: the window the host is in and until when, or why none was opened. */
export function applyLine(o: ApplyOutcome): string {
  if (o.state === "unchanged") return `${o.host}: ${o.message}`;
  const open = `window ${o.window} open until ${o.expires}`;
  return `${o.host}: ${o.state === "joined" && !o.changed ? o.message : open}`;
}

/** revert: what it restored, or what it found instead of the window. */
export function revertLine(o: RevertOutcome): string {
  if (o.found !== "window") return `${o.host}: ${o.message}`;
  return `${o.host}: window ${o.window} ${o.changed ? "reverted" : "closed, nothing to restore"}`;
}

/** extend: the new expiry, or what it found instead of the window. */
export function extendLine(o: ExtendOutcome): string {
  return `${o.host}: ${o.found === "window" ? `expires ${o.expires}` : o.message}`;
}

/** The final table of failed hosts: one row per host with its error kind; [] when none failed. */
export function failureLines(outcomes: HostOutcome[]): string[] {
  const failed = outcomes.filter((o) => !o.ok);
  if (failed.length === 0) return [];
  const rows = failed.map((o) => [o.host, o.error?.kind ?? "remote", o.error?.message ?? ""]);
  const hostWidth = Math.max(4, ...rows.map((r) => r[0].length));
  const kindWidth = Math.max(4, ...rows.map((r) => r[1].length));
  const line = ([host, kind, message]: string[]) =>
    `${host.padEnd(hostWidth)}  ${kind.padEnd(kindWidth)}  ${message}`;
  return [`failed hosts (${failed.length}):`, line(["HOST", "KIND", "MESSAGE"]), ...rows.map(line)];
}
