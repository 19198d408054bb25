// Host shell and awk files as they are sent: read once, without their comment lines (more than a
// third of the bytes; the repository has them). Only lines that are comments to the shell are
// dropped: a "#" line inside a heredoc or a quoted string (an awk program, a printf format) is
// data and stays.
import { readFileSync } from "node:fs";

/** A heredoc to come: its delimiter, and whether leading tabs are stripped (<<-). */
interface Heredoc {
  delimiter: string;
  tabs: boolean;
}
/** Where the next line starts: inside a quoted string, and the heredocs its bodies begin. */
interface ShellState {
  quote: "'" | '"' | null;
  heredocs: Heredoc[];
}

/** Scans one line of sh outside heredocs: its quotes, comments and heredoc starts. */
function scanLine(line: string, state: ShellState): void {
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (state.quote === "'") {
      if (c === "'") state.quote = null;
    } else if (c === "\\") i++;
    else if (state.quote === '"') {
      if (c === '"') state.quote = null;
    } else if (c === "'" || c === '"') state.quote = c;
    else if (c === "#" && (i === 0 || /[\s;&|(]/.test(line[i - 1]))) return;
    else if (c === "<" && line[i + 1] === "<" && line[i + 2] !== "<") {
      const m = /^<<(-?)\s*(['"]?)([A-Za-z0-9_]+)\2/.exec(line.slice(i));
      if (m) {
        state.heredocs.push({ delimiter: m[3], tabs: m[1] === "-" });
        i += m[0].length - 1;
      }
    }
  }
}

/** sh text without its comment lines (the first line, the file's title, stays). */
export function stripShellComments(text: string): string {
  const state: ShellState = { quote: null, heredocs: [] };
  const kept: string[] = [];
  let body: Heredoc | null = null;
  for (const [i, line] of text.split("\n").entries()) {
    if (body !== null) {
      kept.push(line);
      if ((body.tabs ? line.replace(/^\t+/, "") : line) === body.delimiter)
        body = state.heredocs.shift() ?? null;
      continue;
    }
    if (i > 0 && state.quote === null && /^\s*#/.test(line)) continue;
    kept.push(line);
    scanLine(line, state);
    if (state.quote === null && state.heredocs.length > 0) body = state.heredocs.shift() ?? null;
  }
  return kept.join("\n");
}

/** awk text without its comment lines: an awk string or regex cannot span lines, so "#" first is a comment. */
export function stripAwkComments(text: string): string {
  return text
    .split("\n")
    .filter((line, i) => i === 0 || !/^\s*#/.test(line))
    .join("\n");
}

const cache = new Map<string, string>();

/** A .sh or .awk file of the package, as sent to hosts. */
export function shippedFile(url: URL): string {
  let text = cache.get(url.href);
  if (text === undefined) {
    const raw = readFileSync(url, "utf8");
    text = url.pathname.endsWith(".awk") ? stripAwkComments(raw) : stripShellComments(raw);
    cache.set(url.href, text);
  }
  return text;
}
