// summary.md: the report's essentials in GitHub-flavoured Markdown, to paste into a ticket.

import { captureMarkdown } from "./captureSection.js";
import { formatDuration } from "../duration.js";
import { KEY_COUNTERS } from "../logs/counters.js";
import { changeGroups } from "./change-groups.js";
import { escapeMarkdown as md, markdownCode as code } from "./escape.js";
import type { Report } from "./model.js";
import {
  countOf,
  describeProfile,
  formatCount,
  formatEndpoint,
  formatShare,
  formatUtc,
  listNames,
  noFlowsText,
  revertText,
  tripLines,
  sharedLogNotes,
} from "./wording.js";

const HOST_ROWS = 50;

export function renderMarkdown(report: Report): string {
  const out: string[] = [];
  const inventory = report.hosts.filter((h) => h.inInventory);
  const failed = inventory.filter((h) => !h.ok);
  const { startMs, endMs } = report.window;

  out.push(`# nfdebug report: ${md(report.runbook.name)}`, "");
  if (report.runbook.description) out.push(md(report.runbook.description), "");
  const q = report.runbook.question.trim();
  out.push(`> **Question:** ${q ? md(q) : "_the runbook states no question_"}`, "");
  out.push(`**Verdict:** ${md(report.verdict)}`, "");
  const facts = describeProfile(report.profile);
  out.push(
    table(
      ["", ""],
      [
        ["Profile", `${code(report.profile.name)}${facts.length ? ` (${md(facts.join(", "))})` : ""}`],
        [
          "Window",
          `${formatUtc(startMs)} → ${formatUtc(endMs).slice(11)} (${formatDuration(endMs - startMs)})`,
        ],
        [
          "Hosts",
          `${countOf(inventory.length, "host")}${failed.length ? `, ${formatCount(failed.length)} failed` : ""}`,
        ],
        [
          "Records",
          `${countOf(report.totals.invalid, "INVALID line")}${report.totals.printk ? `, ${countOf(report.totals.printk, "printk line")}` : ""}`,
        ],
      ],
    ),
  );

  if (failed.length) {
    out.push("## Failed hosts", "");
    out.push(
      table(
        ["Host", "Kind", "Message"],
        failed.map((h) => [code(h.name), md(h.error?.kind ?? "failed"), md(h.error?.message ?? "")]),
      ),
    );
  }

  out.push("## Reasons", "");
  if (report.reasons.length === 0) out.push("No records were logged.", "");
  else {
    out.push(
      table(
        ["Reason", "Description", "Protocol", "Records", "Share", "Hosts", "Main source"],
        report.reasons.map((r) => [
          code(r.id),
          md(r.label) + (r.kind === "printk" ? " (printk)" : ""),
          md(r.protocols.join(", ")),
          formatCount(r.count),
          formatShare(r.count, report.totals.records),
          formatCount(r.hosts.length),
          r.topSource ? `${code(r.topSource.addr)} (${formatShare(r.topSource.count, r.count)})` : "—",
        ]),
        [3, 4, 5],
      ),
    );
    for (const r of report.reasons.filter((x) => x.explanation || x.hint)) {
      const text = [r.explanation, r.hint ? `Usual causes: ${r.hint}` : ""].filter(Boolean).join(" ");
      out.push(`- ${code(r.id)}: ${md(text)}`);
    }
    if (report.reasons.some((x) => x.explanation || x.hint)) out.push("");
  }

  out.push("## Top flows", "");
  if (report.flows.length === 0) out.push(noFlowsText(report.totals.records), "");
  else {
    out.push(
      table(
        ["Protocol", "Flow", "Records", "Reasons", "Hosts"],
        report.flows.map((f) => [
          md(f.protocol),
          code(`${formatEndpoint(f.src, f.sport)} → ${formatEndpoint(f.dst, f.dport)}`),
          formatCount(f.count),
          f.reasons.map(code).join(", "),
          md(listNames(f.hosts, 4)),
        ]),
        [2],
      ),
    );
    if (report.flowCount > report.flows.length)
      out.push(
        `Top ${report.flows.length} of ${report.flowsApproximate ? "about " : ""}${formatCount(report.flowCount)} distinct flows.`,
        "",
      );
  }

  if (report.kernels.length) {
    out.push("## Per kernel", "");
    out.push(
      table(
        ["Reason", ...report.kernels.map((g) => `${md(g.kernel)} (${countOf(g.hosts.length, "host")})`)],
        [
          ...report.reasons.map((r) => [
            code(r.id),
            ...report.kernels.map((g) => formatCount(g.byReason[r.id] ?? 0)),
          ]),
          ["All records", ...report.kernels.map((g) => formatCount(g.records))],
        ],
        report.kernels.map((_, i) => i + 1),
      ),
    );
  }

  out.push("## Per host", "");
  const byRecords = [...report.hosts].sort((a, b) => b.records - a.records || a.name.localeCompare(b.name));
  out.push(
    table(
      ["Host", "Records", "By reason", ...KEY_COUNTERS.map((n) => `${n} Δ`), "Entries / max", "Kernel"],
      byRecords.slice(0, HOST_ROWS).map((h) => {
        const c = h.counters;
        const reasons = Object.entries(h.byReason)
          .sort((a, b) => b[1] - a[1])
          .map(([id, n]) => `${code(id)} ${formatCount(n)}`)
          .join(", ");
        return [
          code(h.name) + (h.ok ? "" : " (failed)"),
          formatCount(h.records),
          reasons || "—",
          ...KEY_COUNTERS.map((n) => (c?.[n] === undefined ? "—" : formatCount(c[n]!))),
          c?.count !== undefined
            ? `${formatCount(c.count)}${c.max !== undefined ? ` / ${formatCount(c.max)}` : ""}`
            : "—",
          h.kernel ? md(h.kernel) : "—",
        ];
      }),
      [1, 3, 4, 5, 6, 7, 8, 9],
    ),
  );
  if (byRecords.length > HOST_ROWS)
    out.push(`${formatCount(byRecords.length - HOST_ROWS)} more hosts not shown.`, "");
  for (const note of sharedLogNotes(report.hosts)) out.push(md(note), "");

  out.push(...captureMarkdown(report));
  out.push("## Changes and revert", "");
  for (const g of changeGroups(inventory)) {
    const outcome = revertText(g.reverted, g.changes.length);
    const who =
      g.hosts.length === 1
        ? code(g.hosts[0])
        : `${formatCount(g.hosts.length)} hosts (${md(listNames(g.hosts, 10))})`;
    out.push(`**${who}**: ${outcome.tone === "bad" ? `**${outcome.text}**` : outcome.text}`, "");
    if (g.reverted === "tripped")
      out.push(...tripLines(inventory.filter((h) => g.hosts.includes(h.name))).map((l) => `- ${md(l)}`), "");
    if (g.changes.length) {
      out.push(
        table(
          ["Knob", "Key", "Before", "During the window"],
          g.changes.map((c) => [
            md(c.knob),
            code(c.key),
            c.from === null ? "(absent)" : code(c.from),
            c.to === null ? "(absent)" : code(c.to),
          ]),
        ),
      );
    }
  }

  out.push("## Steps", "");
  if (report.steps.length === 0) out.push("No steps were recorded.", "");
  else {
    out.push(
      table(
        ["Step", "Outcome", "Took", "Message"],
        report.steps.map((s) => {
          const took = Date.parse(s.endedAt) - Date.parse(s.startedAt);
          return [
            md(s.name),
            s.ok ? "ok" : "**failed**",
            Number.isNaN(took) ? "—" : formatDuration(took),
            md(s.message ?? ""),
          ];
        }),
        [2],
      ),
    );
  }
  out.push(
    `_Generated by nfdebug${report.nfdebugVersion ? ` ${md(report.nfdebugVersion)}` : ""}; times are UTC._`,
    "",
  );
  return out.join("\n");
}

/** A GFM table; cells must already be escaped. `right` lists right-aligned column indexes. */
function table(headers: string[], rows: string[][], right: number[] = []): string {
  const align = headers.map((_, i) => (right.includes(i) ? "---:" : "---"));
  const line = (cells: string[]) => `| ${cells.join(" | ")} |`;
  return [line(headers), line(align), ...rows.map(line), ""].join("\n");
}
