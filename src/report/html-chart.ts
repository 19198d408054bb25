// The timeline as inline SVG: stacked bars of records per reason per time bucket.
// Every series is one <g data-series="REASON_ID"> so tests (and people) can find it.

import { escapeHtml as esc } from "./escape.js";
import { MAX_SERIES, type Timeline } from "./timeline.js";
import { countOf, formatClock, formatCount } from "./wording.js";
import { formatDuration } from "../duration.js";

/** Tableau 10, minus grey (kept for "other"): distinct, colour-blind tolerant, prints well. */
const PALETTE = [
  "#4e79a7",
  "#f28e2b",
  "#e15759",
  "#76b7b2",
  "#59a14f",
  "#edc948",
  "#b07aa1",
  "#ff9da7",
  "#9c755f",
];
const OTHER_COLOUR = "#bab0ac";

/**
 * Colour of the reason at `rank` (largest first) among `reasonCount` reasons; the same in the
 * chart, the legend and the tables. Reasons beyond the chart's series share the "other" grey.
 */
export function reasonColour(rank: number, reasonCount: number): string {
  const named = reasonCount > MAX_SERIES ? MAX_SERIES - 1 : MAX_SERIES;
  return rank < 0 || rank >= named ? OTHER_COLOUR : PALETTE[rank % PALETTE.length];
}

const W = 1000;
const H = 300;
const PAD = { left: 56, right: 16, top: 14, bottom: 46 };
const PLOT_W = W - PAD.left - PAD.right;
const PLOT_H = H - PAD.top - PAD.bottom;

export function renderChart(t: Timeline): string {
  const buckets = Math.round((t.endMs - t.startMs) / t.bucketMs);
  const totals = new Array<number>(buckets).fill(0);
  for (const s of t.series) s.values.forEach((v, i) => (totals[i] += v));
  const yMax = niceCeiling(Math.max(0, ...totals));
  const x = (ms: number) => PAD.left + ((ms - t.startMs) / (t.endMs - t.startMs)) * PLOT_W;
  const y = (n: number) => PAD.top + PLOT_H - (n / yMax) * PLOT_H;
  const slot = PLOT_W / buckets;
  const barW = Math.max(1, slot * (buckets > 30 ? 0.8 : 0.7));
  const out: string[] = [];
  const empty = t.series.length === 0;
  const bucketText = `${formatDuration(t.bucketMs)}`;
  out.push(
    `<svg class="chart" viewBox="0 0 ${W} ${H}" width="100%" role="img" xmlns="http://www.w3.org/2000/svg" aria-label="${esc(
      empty ? "No records in this window" : `Records per reason per ${bucketText}`,
    )}">`,
  );

  // grid and y axis
  for (const v of yTicks(yMax)) {
    out.push(
      `<line class="grid" x1="${PAD.left}" x2="${W - PAD.right}" y1="${r(y(v))}" y2="${r(y(v))}"/>`,
      `<text class="tick" x="${PAD.left - 8}" y="${r(y(v)) + 4}" text-anchor="end">${formatCount(v)}</text>`,
    );
  }
  out.push(
    `<text class="axis-title" transform="translate(14 ${PAD.top + PLOT_H / 2}) rotate(-90)" text-anchor="middle">records per ${esc(bucketText)}</text>`,
  );

  // bars, one group per series, stacked in series order (largest series at the bottom)
  const base = new Array<number>(buckets).fill(0);
  t.series.forEach((s) => {
    const colour = reasonColour(s.rank, Infinity);
    out.push(`<g class="series" data-series="${esc(s.id)}" fill="${colour}">`);
    s.values.forEach((v, i) => {
      if (v === 0) return;
      const bx = PAD.left + i * slot + (slot - barW) / 2;
      const top = y(base[i] + v);
      const from = t.startMs + i * t.bucketMs;
      out.push(
        `<rect x="${r(bx)}" y="${r(top)}" width="${r(barW)}" height="${r(y(base[i]) - top)}"><title>${esc(
          `${formatClock(from)}–${formatClock(from + t.bucketMs)} UTC · ${s.id}: ${countOf(v, "record")}`,
        )}</title></rect>`,
      );
      base[i] += v;
    });
    out.push(`</g>`);
  });

  if (empty) {
    const why =
      t.untimed > 0
        ? `No timed records (${countOf(t.untimed, "record")} without a time)`
        : "No records in this window";
    out.push(
      `<text class="empty" x="${PAD.left + PLOT_W / 2}" y="${PAD.top + PLOT_H / 2}" text-anchor="middle">${esc(why)}</text>`,
    );
  }

  // x axis with time ticks
  const axisY = PAD.top + PLOT_H;
  out.push(`<line class="axis" x1="${PAD.left}" x2="${W - PAD.right}" y1="${axisY}" y2="${axisY}"/>`);
  for (const tick of t.ticks) {
    const tx = r(x(tick.ms));
    out.push(
      `<line class="axis" x1="${tx}" x2="${tx}" y1="${axisY}" y2="${axisY + 5}"/>`,
      `<text class="tick" x="${tx}" y="${axisY + 19}" text-anchor="middle">${esc(tick.label)}</text>`,
    );
  }
  out.push(
    `<text class="axis-title" x="${PAD.left + PLOT_W / 2}" y="${H - 6}" text-anchor="middle">time (UTC)</text>`,
  );
  out.push(`</svg>`);
  return out.join("\n");
}

/** The legend as HTML (wraps better than SVG text): swatch, reason id, label, count. */
export function renderLegend(t: Timeline): string {
  if (t.series.length === 0) return "";
  const items = t.series.map(
    (s) =>
      `<li><span class="swatch" style="background:${reasonColour(s.rank, Infinity)}"></span><code>${esc(s.id)}</code> <span class="muted">${esc(
        s.label,
      )}</span> <b>${formatCount(s.total)}</b></li>`,
  );
  return `<ul class="legend">${items.join("")}</ul>`;
}

/** 1, 2, 5 × 10^k at or above n, so the y axis has round numbers. */
function niceCeiling(n: number): number {
  if (n <= 5) return 5;
  const mag = 10 ** Math.floor(Math.log10(n));
  return [1, 2, 2.5, 5, 10].map((m) => m * mag).find((v) => v >= n) ?? 10 * mag;
}

function yTicks(max: number): number[] {
  const step = max <= 5 ? 1 : max / 5;
  const ticks: number[] = [];
  for (let v = 0; v <= max + 1e-9; v += step) ticks.push(Math.round(v));
  return ticks;
}

function r(n: number): number {
  return Math.round(n * 10) / 10;
}
