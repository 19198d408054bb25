// The human summary of a collect: per reason, per host, and the conntrack counters.
import type { CollectOutcome, FailedOutcome } from "../engine/outcomes.js";
import type { FleetSummary } from "../logs/aggregate.js";
import { catalogueEntry } from "../logs/catalogue.js";
import { renderTable } from "../report/terminal.js";
import { KEY_COUNTERS } from "../logs/counters.js";
import { describeTrip } from "../engine/status.js";

export function renderCollectSummary(
  summary: FleetSummary,
  outcomes: Array<CollectOutcome | FailedOutcome>,
): string {
  const out: string[] = [];
  const counted = new Map(summary.hosts.map((h) => [h.host, h.count]));
  const hostsTotal = outcomes.length;
  out.push(`${summary.total} record(s) from ${summary.hosts.length} of ${hostsTotal} host(s)`);
  out.push(...reasonLines(summary));
  out.push("");
  out.push(
    renderTable(
      [
        { header: "host" },
        { header: "window" },
        { header: "records" },
        ...KEY_COUNTERS.map((c) => ({ header: c })),
        { header: "count/max" },
      ],
      outcomes
        .filter((o) => o.ok)
        .map((o) => [
          o.host,
          o.window ?? "-",
          counted.get(o.host) ?? 0,
          ...KEY_COUNTERS.map((c) => o.counters?.deltas[c] ?? null),
          o.counters ? `${o.counters.count.after ?? "?"}/${o.counters.max ?? "?"}` : "-",
        ]),
    ).trimEnd(),
  );
  const notes = new Set<string>();
  for (const o of outcomes) {
    if (!o.ok) continue;
    // Not a failure: the host reverted the window as designed, and collect read it up to its end.
    if (o.trip) out.push(`${o.host}: ${describeTrip(o.host, o.trip)}; reverted`);
    for (const w of o.warnings ?? []) out.push(`${o.host}: warning: ${w}`);
    for (const n of o.counters?.notes ?? []) notes.add(n);
  }
  for (const n of notes) out.push(`note: ${n}`);
  return out.join("\n");
}

/** The per-reason table and each reason's explanation (collect and parse). */
export function reasonLines(summary: FleetSummary): string[] {
  const out: string[] = [];
  if (summary.reasons.length > 0) {
    out.push("");
    out.push(
      renderTable(
        [
          { header: "reason" },
          { header: "count" },
          { header: "hosts" },
          { header: "top flows", maxWidth: 70 },
        ],
        summary.reasons.map((r) => [
          r.reason_id === "unknown" || r.reason_id.startsWith("printk")
            ? `${r.reason_id} (${r.reason ?? ""})`
            : r.reason_id,
          r.count,
          r.hosts.length,
          r.topFlows.map((f) => `${f.flow} ×${f.count}`).join(", "),
        ]),
      ).trimEnd(),
    );
    for (const r of summary.reasons) {
      const entry = catalogueEntry(r.reason_id);
      if (entry) out.push(`  ${r.reason_id}: ${entry.explanation}`);
    }
  }
  return out;
}
