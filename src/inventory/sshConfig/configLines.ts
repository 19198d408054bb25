// Split ssh_config text into keyword + arguments, as OpenSSH's readconf.c does: keywords are
// case-insensitive, `Keyword=value` is allowed, arguments may be double- or single-quoted,
// and an unquoted word starting with `#` ends the line.
import { InputError, type Problem } from "../../errors.js";

export interface ConfigLine {
  /** Lower-cased keyword. */
  keyword: string;
  /** The keyword as written, for messages. */
  name: string;
  args: string[];
  file: string;
  line: number;
}

export function splitConfigLines(text: string, file: string): ConfigLine[] {
  const out: ConfigLine[] = [];
  const problems: Problem[] = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = index + 1;
    const body = raw.trim();
    if (body === "" || body.startsWith("#")) return;
    const keywordMatch = /^([^\s=]+)\s*(?:=\s*|\s+|$)/.exec(body);
    if (!keywordMatch) return void problems.push({ file, line, col: 1, message: "cannot read this line" });
    const words = splitWords(body.slice(keywordMatch[0].length));
    if (words === null) {
      return void problems.push({ file, line, col: raw.indexOf(body) + 1, message: "unterminated quote" });
    }
    out.push({ keyword: keywordMatch[1]!.toLowerCase(), name: keywordMatch[1]!, args: words, file, line });
  });
  if (problems.length > 0) throw new InputError("invalid ssh_config", problems);
  return out;
}

function splitWords(text: string): string[] | null {
  const words: string[] = [];
  let i = 0;
  while (i < text.length) {
    while (i < text.length && /\s/.test(text[i]!)) i++;
    if (i >= text.length) break;
    if (text[i] === "#") break; // trailing comment
    let word = "";
    while (i < text.length && !/\s/.test(text[i]!)) {
      const c = text[i]!;
      if (c === '"' || c === "'") {
        const end = text.indexOf(c, i + 1);
        if (end === -1) return null;
        word += text.slice(i + 1, end);
        i = end + 1;
      } else if (c === "\\" && i + 1 < text.length) {
        word += text[i + 1];
        i += 2;
      } else {
        word += c;
        i++;
      }
    }
    words.push(word);
  }
  return words;
}
