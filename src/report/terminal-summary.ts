// The collect/run summary for the terminal: verdict, per reason, per host with counters,
// failed hosts and how the window ended.

import { changeGroups } from "./change-groups.js";
import type { Report } from "./model.js";
import { renderTable, type Style } from "./terminal.js";
import { sanitizeTerminal } from "./escape.js";
import { countOf, formatEndpoint, listNames, revertText } from "./wording.js";

const HOST_ROWS = 30;

export function renderTerminalSummary(report: Report, options: { style: Style; width?: number }): string {
  const { style, width } = options;
  const out: string[] = [];
  out.push(`${style.bold("Verdict:")} ${sanitizeTerminal(report.verdict)}`, "");

  if (report.reasons.length > 0) {
    const topFlow = (id: string) => {
      const f = report.flows.find((x) => x.reasons.includes(id));
      return f ? `${formatEndpoint(f.src, f.sport)} → ${formatEndpoint(f.dst, f.dport)}` : "";
    };
    out.push(
      renderTable(
        [
          { header: "REASON", paint: style.cyan },
          { header: "PROTO" },
          { header: "RECORDS" },
          { header: "HOSTS" },
          { header: "TOP FLOW" },
        ],
        report.reasons.map((r) => [r.id, r.protocols.join(","), r.count, r.hosts.length, topFlow(r.id)]),
        { style, width },
      ),
    );
  }

  const hosts = [...report.hosts].sort((a, b) => b.records - a.records || a.name.localeCompare(b.name));
  const top = (h: Report["hosts"][number]) =>
    Object.entries(h.byReason).sort((a, b) => b[1] - a[1])[0]?.[0] ?? "";
  out.push(
    renderTable(
      [
        { header: "HOST" },
        { header: "RECORDS" },
        { header: "TOP REASON" },
        { header: "INVALID Δ", align: "right" },
        { header: "INSERT_FAILED Δ", align: "right" },
        { header: "DROP Δ", align: "right" },
        { header: "KERNEL" },
      ],
      hosts
        .slice(0, HOST_ROWS)
        .map((h) => [
          h.ok ? h.name : `${h.name} (failed)`,
          h.records,
          top(h),
          h.counters?.invalid,
          h.counters?.insert_failed,
          h.counters?.drop,
          h.kernel ?? "",
        ]),
      { style, width },
    ),
  );
  if (hosts.length > HOST_ROWS) out.push(style.dim(`${hosts.length - HOST_ROWS} more hosts not shown.`), "");

  const failed = report.hosts.filter((h) => h.inInventory && !h.ok);
  for (const h of failed) {
    out.push(
      `${style.red("failed")} ${sanitizeTerminal(h.name)}: ${sanitizeTerminal(h.error ? `${h.error.kind}: ${h.error.message}` : "failed")}`,
    );
  }
  for (const g of changeGroups(report.hosts.filter((h) => h.inInventory))) {
    if (g.changes.length === 0) continue;
    const outcome = revertText(g.reverted, g.changes.length);
    const paint = outcome.tone === "ok" ? style.green : outcome.tone === "warn" ? style.yellow : style.red;
    out.push(
      `${paint(outcome.text)}: ${countOf(g.changes.length, "change")} on ${sanitizeTerminal(listNames(g.hosts, 5))}`,
    );
  }
  return out.join("\n").replace(/\n*$/, "\n");
}
