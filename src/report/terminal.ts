// Terminal output: colour that respects TTYs, NO_COLOR and FORCE_COLOR, and aligned tables.

import { stripVTControlCharacters } from "node:util";
import { sanitizeTerminal } from "./escape.js";
import { formatCount } from "./wording.js";

/** Where output goes; passed in (not read from process) so tests can say what they mean. */
export interface TerminalEnv {
  isTTY: boolean;
  env: Record<string, string | undefined>;
}

/**
 * FORCE_COLOR decides when set to anything but "": "0" or "false" turns colour off, any other value
 * on, even into a pipe (as Node itself reads it: an explicit request beats NO_COLOR). Otherwise
 * colour only on a TTY, never with NO_COLOR set (to any value, even empty), never on TERM=dumb.
 */
export function colourEnabled({ isTTY, env }: TerminalEnv): boolean {
  const force = env.FORCE_COLOR;
  if (force !== undefined && force !== "") return force !== "0" && force !== "false";
  return isTTY && env.NO_COLOR === undefined && env.TERM !== "dumb";
}

export type Paint = (text: string) => string;

export interface Style {
  enabled: boolean;
  bold: Paint;
  dim: Paint;
  red: Paint;
  green: Paint;
  yellow: Paint;
  cyan: Paint;
}

const sgr =
  (open: number, close: number): Paint =>
  (t) =>
    `\x1b[${open}m${t}\x1b[${close}m`;
const plain: Paint = (t) => t;

export function createStyle(terminal: TerminalEnv): Style {
  if (!colourEnabled(terminal)) {
    return { enabled: false, bold: plain, dim: plain, red: plain, green: plain, yellow: plain, cyan: plain };
  }
  return {
    enabled: true,
    bold: sgr(1, 22),
    dim: sgr(2, 22),
    red: sgr(31, 39),
    green: sgr(32, 39),
    yellow: sgr(33, 39),
    cyan: sgr(36, 39),
  };
}

/** Width in terminal cells, ignoring colour codes (one cell per code point). */
export function visibleWidth(text: string): number {
  return [...stripVTControlCharacters(text)].length;
}

/** Cuts plain text to `width` cells, marking the cut with "…". */
export function truncate(text: string, width: number): string {
  const chars = [...text];
  if (chars.length <= width) return text;
  if (width <= 1) return chars.slice(0, width).join("");
  return `${chars.slice(0, width - 1).join("")}…`;
}

export interface Column<Row = unknown> {
  header: string;
  /** Default: right when every value in the column is a number. */
  align?: "left" | "right";
  /** Longer values are truncated with "…". */
  maxWidth?: number;
  /** Colours a cell after truncation; gets the plain text and the row. */
  paint?: (text: string, row: Row) => string;
}

export type Cell = string | number | null | undefined;

export interface TableOptions {
  style?: Style;
  /** The terminal's width: the widest columns shrink until the table fits (not below 8). */
  width?: number;
  /** Between columns. */
  gap?: number;
}

/**
 * Renders rows under headers, columns aligned, numbers right-aligned with thousands separators,
 * data sanitised (no control characters reach the terminal). Returns lines joined by "\n"
 * with a trailing newline.
 */
export function renderTable<Row extends Cell[]>(
  columns: Column<Row>[],
  rows: Row[],
  options: TableOptions = {},
): string {
  const style = options.style ?? createStyle({ isTTY: false, env: {} });
  const gap = " ".repeat(options.gap ?? 2);
  const text = rows.map((row) => columns.map((_, i) => cellText(row[i])));
  const align = columns.map(
    (c, i) =>
      c.align ??
      (rows.length > 0 && rows.every((r) => typeof r[i] === "number" || r[i] == null) ? "right" : "left"),
  );
  const widths = columns.map((c, i) =>
    Math.min(
      c.maxWidth ?? Infinity,
      Math.max(visibleWidth(c.header), ...text.map((r) => visibleWidth(r[i]))),
    ),
  );
  if (options.width) fitWidths(widths, options.width, gap.length);

  const line = (cells: string[], paint: (t: string, i: number) => string) =>
    cells
      .map((t, i) => {
        const cut = truncate(t, widths[i]);
        const pad = " ".repeat(Math.max(0, widths[i] - visibleWidth(cut)));
        const painted = paint(cut, i);
        return align[i] === "right" ? pad + painted : i === cells.length - 1 ? painted : painted + pad;
      })
      .join(gap)
      .trimEnd();
  const out = [
    line(
      columns.map((c) => sanitizeTerminal(c.header)),
      (t) => style.bold(t),
    ),
  ];
  text.forEach((cells, r) =>
    out.push(line(cells, (t, i) => (columns[i].paint ? columns[i].paint!(t, rows[r]) : t))),
  );
  return out.join("\n") + "\n";
}

function cellText(value: Cell): string {
  if (value === null || value === undefined) return "—";
  if (typeof value === "number") return formatCount(value);
  return sanitizeTerminal(value);
}

/** Shrinks the widest column one cell at a time until the total fits. */
function fitWidths(widths: number[], total: number, gap: number): void {
  const MIN = 8;
  const sum = () => widths.reduce((a, b) => a + b, 0) + gap * (widths.length - 1);
  while (sum() > total) {
    const widest = widths.indexOf(Math.max(...widths));
    if (widths[widest] <= MIN) return;
    widths[widest]--;
  }
}
