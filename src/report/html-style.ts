// The report's only stylesheet, inlined so the page needs nothing from the network.

export const REPORT_CSS = `
:root {
  --fg: #1f2328; --muted: #59636e; --line: #d8dee4; --soft: #f6f8fa;
  --ok: #1a7f37; --ok-bg: #dafbe1; --bad: #cf222e; --bad-bg: #ffebe9; --warn: #9a6700; --warn-bg: #fff8c5;
  --mono: ui-monospace, SFMono-Regular, Menlo, Consolas, "DejaVu Sans Mono", "Liberation Mono", monospace;
}
* { box-sizing: border-box; }
html { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
body {
  margin: 0; color: var(--fg); background: #fff;
  font: 15px/1.55 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", "Liberation Sans", Arial, sans-serif;
}
main { max-width: 1140px; margin: 0 auto; padding: 36px 40px 56px; }
header { border-bottom: 1px solid var(--line); padding-bottom: 18px; }
.eyebrow { margin: 0; color: var(--muted); font-size: 12px; letter-spacing: .08em; text-transform: uppercase; font-weight: 600; }
h1 { font-size: 28px; line-height: 1.25; margin: 4px 0 6px; font-weight: 650; word-break: break-word; }
h2 { font-size: 17px; margin: 0 0 12px; font-weight: 650; }
h3 { font-size: 14px; margin: 16px 0 6px; }
section { margin-top: 34px; break-inside: avoid-page; }
p { margin: 6px 0; }
.muted { color: var(--muted); }
.small { font-size: 13px; }
code, .mono { font-family: var(--mono); font-size: 12.5px; }
dl.meta { display: grid; grid-template-columns: max-content 1fr; gap: 3px 18px; margin: 14px 0 0; font-size: 14px; }
dl.meta dt { color: var(--muted); }
dl.meta dd { margin: 0; }
.question { margin: 0; padding: 12px 18px; background: var(--soft); border-radius: 8px; font-size: 17px; }
.question.none { color: var(--muted); font-style: italic; }
.verdict { margin: 0; padding: 16px 20px; border-radius: 8px; font-size: 19px; line-height: 1.45; font-weight: 600;
  border-left: 6px solid var(--bad); background: var(--bad-bg); }
.verdict.clean { border-left-color: var(--ok); background: var(--ok-bg); }
figure { margin: 0; }
svg.chart { display: block; max-width: 100%; height: auto; font-family: inherit; }
svg.chart .grid { stroke: #e6e9ed; stroke-width: 1; }
svg.chart .axis { stroke: #8c959f; stroke-width: 1; }
svg.chart .tick { fill: var(--muted); font-size: 12px; }
svg.chart .axis-title { fill: var(--muted); font-size: 12px; }
svg.chart .empty { fill: var(--muted); font-size: 18px; }
.legend { list-style: none; padding: 0; margin: 8px 0 0; display: flex; flex-wrap: wrap; gap: 6px 22px; font-size: 13px; }
.swatch { display: inline-block; width: 12px; height: 12px; border-radius: 3px; vertical-align: -1px; margin-right: 6px; }
table { border-collapse: collapse; width: 100%; font-size: 13.5px; }
th, td { padding: 6px 10px; border-bottom: 1px solid var(--line); text-align: left; vertical-align: top; }
thead th { font-size: 11.5px; text-transform: uppercase; letter-spacing: .04em; color: var(--muted); font-weight: 650;
  border-bottom: 2px solid var(--line); }
tfoot td { font-weight: 650; border-bottom: none; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
td.num { white-space: nowrap; }
td.zero { color: #afb8c1; }
td.hot { font-weight: 650; color: var(--bad); }
.explain { font-size: 12.5px; color: var(--muted); margin-top: 2px; max-width: 640px; }
.raw { font-family: var(--mono); font-size: 11.5px; color: var(--muted); word-break: break-all; margin-top: 3px; }
.table-wrap { overflow-x: auto; }
table.heat { width: auto; min-width: 50%; }
.heat td.host { white-space: nowrap; max-width: 300px; overflow: hidden; text-overflow: ellipsis; }
.heat td.cell { text-align: center; font-variant-numeric: tabular-nums; min-width: 72px; }
.nowrap { white-space: nowrap; }
table.changes { width: auto; min-width: 60%; }
table.changes td { vertical-align: middle; padding-right: 24px; }
.heat th.reason { text-transform: none; letter-spacing: 0; font-family: var(--mono); font-size: 11px; text-align: center;
  max-width: 110px; vertical-align: bottom; }
.badge { display: inline-block; padding: 0 9px; border-radius: 10px; font-size: 12px; font-weight: 650; white-space: nowrap; }
.badge.ok { background: var(--ok-bg); color: var(--ok); }
.badge.warn { background: var(--warn-bg); color: var(--warn); }
.badge.bad { background: var(--bad-bg); color: var(--bad); }
.hostlist { font-family: var(--mono); font-size: 12px; color: var(--muted); }
.arrow { color: var(--muted); padding: 0 4px; }
.note { font-size: 13px; color: var(--muted); margin-top: 8px; }
footer { margin-top: 44px; padding-top: 12px; border-top: 1px solid var(--line); font-size: 12px; color: var(--muted); }
@media (max-width: 700px) { main { padding: 20px 16px; } .verdict { font-size: 17px; } }
@media print {
  main { max-width: none; padding: 0; }
  .table-wrap { overflow: visible; }
  body { font-size: 12px; }
  section, figure, tr { break-inside: avoid; }
  h2 { break-after: avoid; }
}
`;
