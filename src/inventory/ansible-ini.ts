// Ansible's INI inventory format: [group], [group:vars], [group:children], host lines with
// key=value variables, host ranges, and hosts before any section in "ungrouped".
import type { Problem } from "../errors.js";
import type { Position } from "../files/source-map.js";
import { AnsibleInventory, type Located } from "./ansible-model.js";
import { expandHostRange } from "./host-range.js";

interface Word {
  text: string;
  col: number;
}

export function parseAnsibleIni(
  text: string,
  file: string,
): { inventory: AnsibleInventory; problems: Problem[] } {
  const inventory = new AnsibleInventory(file);
  const problems: Problem[] = [];
  const problem = (at: Position, message: string) => problems.push({ file, ...at, message });
  let section: { group: string; kind: "hosts" | "vars" | "children" } = { group: "ungrouped", kind: "hosts" };

  text.split(/\r?\n/).forEach((raw, index) => {
    const line = index + 1;
    const words = splitWords(raw);
    if ("error" in words) return problem({ line, col: words.col }, words.error);
    if (words.length === 0) return;
    const header = /^\s*\[([^\]]*)\]\s*$/.exec(raw);
    if (header) {
      const col = raw.indexOf("[") + 2;
      const [group, kind = "hosts", ...extra] = header[1].trim().split(":");
      const explicitKind = header[1].includes(":");
      if (extra.length > 0 || group === "" || (explicitKind && kind !== "vars" && kind !== "children")) {
        problem({ line, col }, `section [${header[1]}] is not [group], [group:vars] or [group:children]`);
        section = { group: "ungrouped", kind: "hosts" };
        return;
      }
      inventory.group(group, { line, col });
      section = { group, kind: kind as "hosts" | "vars" | "children" };
      return;
    }
    const first = words[0];
    const where: Position = { line, col: first.col };
    if (section.kind === "children") {
      if (words.length > 1)
        problem({ line, col: words[1].col }, `[${section.group}:children] lists one group a line`);
      inventory.addChild(section.group, first.text, where);
    } else if (section.kind === "vars") {
      // key=value, where the value may contain spaces: split the raw line at its first "=".
      const content = raw.replace(/^\s+/, "");
      const eq = content.indexOf("=");
      if (eq <= 0)
        return problem(
          where,
          `[${section.group}:vars] expects key=value, found ${JSON.stringify(content.trim())}`,
        );
      const key = content.slice(0, eq).trim();
      const value = unquote(content.slice(eq + 1).trim());
      const valueCol = raw.indexOf("=", first.col - 1) + 2;
      inventory.group(section.group, where).vars.set(key, {
        value,
        at: { line, col: valueCol },
        label: `group ${section.group}, ${key}`,
      });
    } else {
      hostLine(inventory, section.group, words, line, problem);
    }
  });
  return { inventory, problems };
}

function hostLine(
  inventory: AnsibleInventory,
  group: string,
  words: Word[],
  line: number,
  problem: (at: Position, message: string) => void,
): void {
  const [first, ...rest] = words;
  const at = { line, col: first.col };
  let pattern = first.text;
  const vars = new Map<string, Located>();
  // host:port, but not an IPv6 address (which has several colons).
  const port = /^([^:]+):(\d+)$/.exec(pattern);
  const names = port ? port[1] : pattern;
  for (const word of rest) {
    const eq = word.text.indexOf("=");
    if (eq <= 0) {
      problem(
        { line, col: word.col },
        `expected key=value after the host name, found ${JSON.stringify(word.text)}`,
      );
      continue;
    }
    const key = word.text.slice(0, eq);
    vars.set(key, { value: word.text.slice(eq + 1), at: { line, col: word.col + eq + 1 }, label: "" });
  }
  pattern = names;
  const expanded = expandHostRange(pattern);
  if ("error" in expanded) return problem(at, expanded.error);
  for (const name of expanded) {
    const own = new Map<string, Located>();
    if (port)
      own.set("ansible_port", { value: port[2], at: { line, col: first.col + names.length + 1 }, label: "" });
    for (const [key, v] of vars) own.set(key, v);
    for (const [key, v] of own) own.set(key, { ...v, label: `host ${name}, ${key}` });
    inventory.addHost(group, name, at, own);
  }
}

/** Words with their 1-based columns; quotes group words and are removed; # starts a comment. */
function splitWords(raw: string): Word[] | { error: string; col: number } {
  const words: Word[] = [];
  let i = 0;
  while (i < raw.length) {
    while (i < raw.length && /\s/.test(raw[i])) i++;
    if (i >= raw.length || raw[i] === "#" || (words.length === 0 && raw[i] === ";")) break;
    const start = i;
    let text = "";
    while (i < raw.length && !/\s/.test(raw[i])) {
      const quote = raw[i];
      if (quote === "'" || quote === '"') {
        const close = raw.indexOf(quote, i + 1);
        if (close < 0) return { error: `missing closing ${quote}`, col: i + 1 };
        text += raw.slice(i + 1, close);
        i = close + 1;
      } else {
        text += raw[i++];
      }
    }
    words.push({ text, col: start + 1 });
  }
  return words;
}

function unquote(value: string): string {
  const match = /^(['"])(.*)\1$/.exec(value);
  return match ? match[2] : value;
}
