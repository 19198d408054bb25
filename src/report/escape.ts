// Escaping for every string that comes from data (host names, reasons, raw kernel lines).
import { stripVTControlCharacters } from "node:util";

const HTML: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };
// C0 controls other than tab/newline/CR are not allowed in HTML text; show them as U+FFFD.

const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g;

/** Safe in HTML text and in double- or single-quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML[c]).replace(CONTROL, "\ufffd");
}

/**
 * Safe in Markdown text and GFM table cells: punctuation that has a meaning inline is
 * backslash-escaped (CommonMark renders `\<` as `<`, so no HTML gets through), and so is a
 * leading block marker; newlines become spaces so a cell stays on its row.
 */
export function escapeMarkdown(text: string): string {
  return text
    .replace(CONTROL, "\ufffd")
    .replace(/\r?\n|\r/g, " ")
    .replace(/[\\`*_[\]<>|~&]/g, (c) => `\\${c}`)
    .replace(/^(\s*)([#+\-=])/, "$1\\$2");
}

/** Inline code in Markdown: a backtick fence longer than any run inside; pipes escaped for tables. */
export function markdownCode(text: string): string {
  const clean = text.replace(CONTROL, "\ufffd").replace(/\r?\n|\r/g, " ");
  const longest = Math.max(0, ...(clean.match(/`+/g) ?? []).map((run) => run.length));
  const fence = "`".repeat(longest + 1);
  const pad = clean.startsWith("`") || clean.endsWith("`") ? " " : "";
  return `${fence}${pad}${clean.replace(/\|/g, "\\|")}${pad}${fence}`;
}

/** C0 controls but tab and newline, DEL, and C1 (which some terminals obey as ESC + letter). */
const TERMINAL_CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

/**
 * Text from data (hosts above all: error messages, stderr, sysctl values, kernel release, window
 * owner) for the terminal, lines and tabs kept. Escape sequences are removed whole and any other
 * control character is dropped, so no host can retitle the window, clear the screen, move the
 * cursor or overwrite a line with \r. --json output is not passed through this: JSON escapes
 * control characters and must stay faithful.
 */
export function terminalText(text: string): string {
  return stripVTControlCharacters(text).replace(TERMINAL_CONTROL, "");
}

/** One line for the terminal (a table cell, a progress line): every control character shows as "?". */
export function sanitizeTerminal(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, "?");
}
