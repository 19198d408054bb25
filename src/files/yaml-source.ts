// YAML with positions: parse errors, duplicate keys and unknown tags become located problems.
import { readFile } from "node:fs/promises";
import { Document, LineCounter, isMap, isPair, isScalar, isSeq, parseDocument, visit, type Node } from "yaml";
import { InputError, type Problem } from "../errors.js";
import { VaultedValue } from "./vaulted-value.js";
import { dottedLabel, type Pointer, type Position, type SourceMap } from "./source-map.js";

export interface YamlSource {
  file: string;
  text: string;
  doc: Document.Parsed;
  /** Plain data, or undefined when the YAML could not be parsed. */
  data: unknown;
  /** Syntax problems; when non-empty, `data` must not be trusted. */
  problems: Problem[];
  map: SourceMap;
}

export interface ParseYamlOptions {
  /**
   * Ansible inventories may hold `!vault` values: "mark" turns them into VaultedValue objects
   * (reported only where nfdebug needs the value); by default the tag is an unsupported tag.
   */
  vault?: "reject" | "mark";
}

export function parseYaml(text: string, file: string, options: ParseYamlOptions = {}): YamlSource {
  const lines = new LineCounter();
  const doc = parseDocument(text, {
    lineCounter: lines,
    prettyErrors: false,
    uniqueKeys: true,
    customTags: options.vault === "mark" ? [VAULT_TAG] : [],
  });
  const at = (offset: number): Position => {
    const { line, col } = lines.linePos(offset);
    return { line, col };
  };
  const problems: Problem[] = [];
  for (const error of doc.errors) {
    const { line, col } = at(error.pos[0]);
    problems.push({ file, line, col, message: yamlErrorMessage(error.code, error.message, text, error.pos) });
  }
  for (const warning of doc.warnings) {
    const { line, col } = at(warning.pos[0]);
    const tag = /^Unresolved tag: (.*)$/.exec(warning.message);
    const message = tag ? `unsupported YAML tag ${tag[1]}` : `YAML: ${warning.message}`;
    problems.push({ file, line, col, message });
  }
  // toJS would throw on an alias without an anchor, without saying where: find it first.
  visit(doc, {
    Alias(_, node) {
      if (!node.resolve(doc as Document)) {
        const { line, col } = at(node.range?.[0] ?? 0);
        problems.push({
          file,
          line,
          col,
          message: `YAML: alias *${node.source} has no anchor &${node.source} before it`,
        });
      }
    },
  });
  const map = yamlSourceMap(file, doc, at);
  let data: unknown;
  if (problems.length === 0) {
    try {
      // maxAliasCount bounds "billion laughs" documents.
      data = doc.toJS({ maxAliasCount: 100 });
    } catch (err) {
      problems.push({ file, line: 1, col: 1, message: `YAML: ${(err as Error).message}` });
    }
  }
  return { file, text, doc, data, problems, map };
}

const VAULT_TAG = {
  tag: "!vault",
  identify: (value: unknown) => value instanceof VaultedValue,
  resolve: () => new VaultedValue(),
};

export async function readSourceText(file: string): Promise<string> {
  try {
    return await readFile(file, "utf8");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why =
      code === "ENOENT" ? "no such file" : code === "EISDIR" ? "is a directory" : (err as Error).message;
    throw new InputError(`${file}: cannot read: ${why}`, [
      { file, line: 1, col: 1, message: `cannot read: ${why}` },
    ]);
  }
}

function yamlErrorMessage(code: string, message: string, text: string, pos: [number, number]): string {
  if (code === "DUPLICATE_KEY") {
    const written = /^("(?:[^"\\]|\\.)*"|'[^']*'|[^\n]*?)\s*:(?:\s|$)/.exec(text.slice(pos[0]));
    const key = (written?.[1] ?? text.slice(pos[0], pos[1])).replace(/^(["'])(.*)\1$/, "$2");
    return `duplicate key ${JSON.stringify(key)}`;
  }
  if (code === "MULTIPLE_DOCS") return "YAML: only one document is allowed (found a second one after ---)";
  return `YAML syntax: ${message.replace(/\.$/, "")}`;
}

function yamlSourceMap(file: string, doc: Document.Parsed, at: (offset: number) => Position): SourceMap {
  // An empty value (`window:` with nothing after it) has an empty range: point at its key instead.
  const start = (node: Node | null | undefined): Position | undefined =>
    node?.range && node.range[1] > node.range[0] ? at(node.range[0]) : undefined;
  return {
    file,
    label: (pointer: Pointer) => dottedLabel(pointer),
    position(pointer, target) {
      let node: unknown = doc.contents;
      let best: Position = start(doc.contents as Node) ?? { line: 1, col: 1 };
      for (let i = 0; i < pointer.length; i++) {
        const last = i === pointer.length - 1;
        if (isMap(node)) {
          const pair = node.items.find(
            (p) => isPair(p) && isScalar(p.key) && String(p.key.value) === pointer[i],
          );
          if (!pair) return best;
          const keyPos = start(pair.key as Node);
          const valuePos = start(pair.value as Node);
          if (last && target === "key") return keyPos ?? best;
          best = valuePos ?? keyPos ?? best;
          node = pair.value;
        } else if (isSeq(node)) {
          const item = node.items[Number(pointer[i])];
          if (item === undefined) return best;
          best = start(item as Node) ?? best;
          node = item;
        } else {
          return best;
        }
      }
      return best;
    },
  };
}
