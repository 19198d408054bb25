// The report's tables as HTML. Every string from data goes through esc().

import { formatDuration } from "../duration.js";
import { KEY_COUNTERS } from "../logs/counters.js";
import { escapeHtml as esc } from "./escape.js";
import { reasonColour } from "./html-chart.js";
import type { HostRow, Report, ReportChange } from "./model.js";
import { changeGroups } from "./change-groups.js";
import {
  formatClock,
  formatCount,
  formatEndpoint,
  formatShare,
  noFlowsText,
  revertText,
  tripLines,
  sharedLogNotes,
} from "./wording.js";

/** Rows shown in the heat table; quieter hosts are named in one line below it. */
const HEAT_ROWS = 50;
/** Columns in the heat table; further reasons are summed into "other". */
const HEAT_COLUMNS = 10;

const num = (n: number) => `<td class="num${n === 0 ? " zero" : ""}">${formatCount(n)}</td>`;
const badge = (tone: string, text: string) => `<span class="badge ${tone}">${esc(text)}</span>`;
/** A reason id that may break after "." and "_" (tcp.ack_over_upper_bound in a narrow header). */
const breakable = (id: string) => esc(id).replace(/([._])/g, "$1<wbr>");
/** Host names never break inside; the list is cut after `max` names. */
const hostList = (names: string[], max: number) => {
  const shown = names.slice(0, max).map((n) => `<span class="nowrap">${esc(n)}</span>`);
  return names.length > max ? `${shown.join(", ")} and ${names.length - max} more` : shown.join(", ");
};
/** Wide tables scroll inside their box instead of widening the page. */
const wrap = (table: string) => `<div class="table-wrap">${table}</div>`;

export function reasonsTable(report: Report): string {
  const rows = report.reasons.map((r, i) => {
    const src = r.topSource
      ? `${esc(r.topSource.addr)} <span class="muted">(${formatShare(r.topSource.count, r.count)})</span>`
      : "—";
    return `<tr><td><span class="swatch" style="background:${reasonColour(i, report.reasons.length)}"></span><code>${esc(r.id)}</code>
<div>${esc(r.label)}${r.kind === "printk" ? ` ${badge("warn", "printk")}` : ""}</div>${explain(r)}<div class="raw">${esc(r.example)}</div></td>
<td>${esc(r.protocols.join(", "))}</td>${num(r.count)}<td class="num">${formatShare(r.count, report.totals.records)}</td>
<td class="num">${formatCount(r.hosts.length)}</td><td class="mono">${src}</td></tr>`;
  });
  return `<table><thead><tr><th>Reason (example line)</th><th>Protocol</th><th class="num">Records</th><th class="num">Share</th><th class="num">Hosts</th><th>Main source</th></tr></thead>
<tbody>${rows.join("\n")}</tbody></table>`;
}

/** The catalogue's explanation and usual causes, when the input carried them. */
function explain(r: Report["reasons"][number]): string {
  const parts = [
    r.explanation ? `<div class="explain">${esc(r.explanation)}</div>` : "",
    r.hint ? `<div class="explain"><b>Usual causes:</b> ${esc(r.hint)}</div>` : "",
  ];
  return parts.join("");
}

export function heatTable(report: Report): string {
  const reasons = report.reasons;
  const shown = reasons.length > HEAT_COLUMNS ? reasons.slice(0, HEAT_COLUMNS - 1) : reasons;
  const hidden = new Set(reasons.slice(shown.length).map((r) => r.id));
  const active = report.hosts
    .filter((h) => h.records > 0)
    .sort((a, b) => b.records - a.records || a.name.localeCompare(b.name));
  const activeNames = new Set(active.map((h) => h.name));
  // A host reading a shared kernel log whose lines another member read first is not "quiet".
  const quiet = report.hosts
    .filter((h) => h.records === 0 && h.ok && !h.sharedLog?.some((n) => activeNames.has(n)))
    .map((h) => h.name);
  const cells = (h: HostRow) => [
    ...shown.map((r) => h.byReason[r.id] ?? 0),
    ...(hidden.size
      ? [Object.entries(h.byReason).reduce((s, [id, n]) => s + (hidden.has(id) ? n : 0), 0)]
      : []),
  ];
  const max = Math.max(1, ...active.map((h) => Math.max(...cells(h))));
  const head = [
    ...shown.map(
      (r, i) =>
        `<th class="reason"><span class="swatch" style="background:${reasonColour(i, reasons.length)}"></span><br>${breakable(r.id)}</th>`,
    ),
    ...(hidden.size ? [`<th class="reason">${hidden.size} other</th>`] : []),
  ];
  const rows = active.slice(0, HEAT_ROWS).map((h) => {
    const tds = cells(h).map(
      (n) => `<td class="cell" style="${heatStyle(n, max)}">${n ? formatCount(n) : "·"}</td>`,
    );
    const tag = h.inInventory ? "" : ` ${badge("warn", "not in host list")}`;
    return `<tr><td class="mono host" title="${esc(h.name)}">${esc(h.name)}${tag}</td>${num(h.records)}${tds.join("")}</tr>`;
  });
  const notes: string[] = [];
  if (active.length > HEAT_ROWS)
    notes.push(`${formatCount(active.length - HEAT_ROWS)} more hosts with fewer records are not shown.`);
  for (const note of sharedLogNotes(report.hosts)) notes.push(esc(note));
  if (quiet.length)
    notes.push(
      `Nothing logged on ${quiet.length === 1 ? "" : `${formatCount(quiet.length)} hosts: `}<span class="hostlist">${hostList(quiet, 40)}</span>.`,
    );
  if (active.length === 0)
    return quiet.length ? `<p>${notes.join(" ")}</p>` : `<p class="muted">No host logged anything.</p>`;
  return `${wrap(`<table class="heat"><thead><tr><th>Host</th><th class="num">Records</th>${head.join("")}</tr></thead>
<tbody>${rows.join("\n")}</tbody></table>`)}${notes.map((n) => `<p class="note">${n}</p>`).join("")}`;
}

/** Reasons down, kernel versions across: which reasons only some kernels log. */
export function kernelTable(report: Report): string {
  const groups = report.kernels;
  const head = groups
    .map(
      (g) =>
        `<th class="num" title="${esc(g.releases.join(", "))}">${esc(g.kernel)}<br><span class="muted small">${formatCount(g.hosts.length)} host${g.hosts.length === 1 ? "" : "s"}</span></th>`,
    )
    .join("");
  const rows = report.reasons.map(
    (r) =>
      `<tr><td class="mono">${breakable(r.id)}</td>${groups.map((g) => num(g.byReason[r.id] ?? 0)).join("")}</tr>`,
  );
  const total = `<tr><td>All records</td>${groups.map((g) => num(g.records)).join("")}</tr>`;
  return wrap(`<table><thead><tr><th>Reason</th>${head}</tr></thead>
<tbody>${rows.join("\n")}\n${total}</tbody></table>`);
}

/** White → red, on a log scale so one noisy host does not wash out the rest. */
function heatStyle(n: number, max: number): string {
  if (n === 0) return "color:#afb8c1";
  const t = Math.log1p(n) / Math.log1p(max);
  const alpha = (0.12 + 0.78 * t).toFixed(2);
  return `background:rgba(207,34,46,${alpha});color:${t > 0.55 ? "#fff" : "#1f2328"}`;
}

export function flowsTable(report: Report): string {
  if (report.flows.length === 0) return `<p class="muted">${esc(noFlowsText(report.totals.records))}</p>`;
  const rows = report.flows.map(
    (f) =>
      `<tr><td>${esc(f.protocol)}</td><td class="mono">${esc(formatEndpoint(f.src, f.sport))}<span class="arrow">→</span>${esc(
        formatEndpoint(f.dst, f.dport),
      )}</td>${num(f.count)}<td class="mono small">${f.reasons.map(breakable).join(", ")}</td><td class="mono small">${hostList(f.hosts, 3)}</td></tr>`,
  );
  const more =
    report.flowCount > report.flows.length
      ? `<p class="note">Top ${report.flows.length} of ${report.flowsApproximate ? "about " : ""}${formatCount(report.flowCount)} distinct flows.</p>`
      : "";
  return `<table><thead><tr><th>Protocol</th><th>Flow</th><th class="num">Records</th><th>Reasons</th><th>Hosts</th></tr></thead>
<tbody>${rows.join("\n")}</tbody></table>${more}`;
}

export function countersTable(report: Report): string {
  const hosts = report.hosts.filter((h) => h.counters);
  if (hosts.length === 0) return `<p class="muted">No conntrack counters were read.</p>`;
  const totals = KEY_COUNTERS.map((c) => hosts.reduce((s, h) => s + (h.counters![c] ?? 0), 0));
  const rows = hosts.map((h) => {
    const c = h.counters!;
    const deltas = KEY_COUNTERS.map((name) =>
      c[name] === undefined
        ? `<td class="num zero">—</td>`
        : `<td class="num${c[name] ? " hot" : " zero"}">${c[name] ? "+" : ""}${formatCount(c[name]!)}</td>`,
    );
    const table =
      c.count !== undefined
        ? `${formatCount(c.count)}${c.max !== undefined ? ` / ${formatCount(c.max)}` : ""}`
        : "—";
    return `<tr><td class="mono nowrap">${esc(h.name)}</td><td class="mono small">${esc(h.kernel ?? "—")}</td>${num(h.records)}${deltas.join("")}<td class="num">${table}</td></tr>`;
  });
  const recordTotal = hosts.reduce((s, h) => s + h.records, 0);
  return `${wrap(`<table><thead><tr><th>Host</th><th>Kernel</th><th class="num">Records</th>${KEY_COUNTERS.map((n) => `<th class="num">${n.replace("_", " ")}</th>`).join("")}<th class="num">Entries / max</th></tr></thead>
<tbody>${rows.join("\n")}</tbody>
<tfoot><tr><td>Total</td><td></td>${num(recordTotal)}${totals.map((t) => `<td class="num">${t ? "+" : ""}${formatCount(t)}</td>`).join("")}<td></td></tr></tfoot></table>`)}
<p class="note">Deltas over the window of <code>/proc/net/stat/nf_conntrack</code>, summed over CPUs; entries / max are
<code>nf_conntrack_count</code> / <code>nf_conntrack_max</code> at the end. The <em>invalid</em> counter also counts packets
that were not logged (other protocols, or no log backend bound).</p>`;
}

export function changesSection(report: Report): string {
  const groups = changeGroups(report.hosts.filter((h) => h.inInventory));
  if (groups.length === 0) return `<p class="muted">No hosts.</p>`;
  return groups
    .map((g) => {
      const outcome = revertText(g.reverted, g.changes.length);
      const who = g.hosts.length === 1 ? esc(g.hosts[0]) : `${g.hosts.length} hosts`;
      const list = g.hosts.length > 1 ? `<div class="hostlist">${hostList(g.hosts, Infinity)}</div>` : "";
      const body = g.changes.length
        ? `<table class="changes"><thead><tr><th>Knob</th><th>Key</th><th>Before</th><th></th><th>During the window</th></tr></thead><tbody>${g.changes.map(changeRow).join("\n")}</tbody></table>`
        : `<p class="muted">No changes were applied.</p>`;
      const trips =
        g.reverted === "tripped"
          ? `<ul class="trips">${tripLines(
              report.hosts.filter((h) => h.inInventory && g.hosts.includes(h.name)),
            )
              .map((l) => `<li>${esc(l)}</li>`)
              .join("")}</ul>`
          : "";
      return `<h3>${who} ${badge(outcome.tone, outcome.text)}</h3>${list}${trips}${body}`;
    })
    .join("\n");
}

function changeRow(c: ReportChange): string {
  const value = (v: string | null) =>
    v === null ? `<span class="muted">(absent)</span>` : `<code>${esc(v)}</code>`;
  return `<tr><td>${esc(c.knob)}</td><td class="mono">${esc(c.key)}</td><td>${value(c.from)}</td><td class="arrow">→</td><td>${value(c.to)}</td></tr>`;
}

export function failedTable(report: Report): string {
  const failed = report.hosts.filter((h) => h.inInventory && !h.ok);
  const rows = failed.map(
    (h) =>
      `<tr><td class="mono">${esc(h.name)}</td><td>${badge("bad", h.error?.kind ?? "failed")}</td><td>${esc(h.error?.message ?? "")}</td></tr>`,
  );
  return `<table><thead><tr><th>Host</th><th>Kind</th><th>Message</th></tr></thead><tbody>${rows.join("\n")}</tbody></table>`;
}

export function stepsTable(report: Report): string {
  if (report.steps.length === 0) return `<p class="muted">No steps were recorded.</p>`;
  const rows = report.steps.map((s) => {
    const from = Date.parse(s.startedAt);
    const to = Date.parse(s.endedAt);
    const took = Number.isNaN(from) || Number.isNaN(to) ? "—" : formatDuration(to - from);
    return `<tr><td>${esc(s.name)}</td><td>${badge(s.ok ? "ok" : "bad", s.ok ? "ok" : "failed")}</td><td class="mono">${Number.isNaN(from) ? "—" : formatClock(from)}</td><td class="num">${took}</td><td>${esc(s.message ?? "")}</td></tr>`;
  });
  return `<table><thead><tr><th>Step</th><th>Outcome</th><th>Started (UTC)</th><th class="num">Took</th><th>Message</th></tr></thead><tbody>${rows.join("\n")}</tbody></table>`;
}
