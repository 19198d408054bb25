// Read an ssh_config file and everything it Includes into a tree, once; resolving a host then
// walks the tree without touching the filesystem again.
import { readFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { InputError } from "../../errors.js";
import { splitConfigLines, type ConfigLine } from "./configLines.js";
import { expandIncludePath } from "./includeGlob.js";

export type ConfigNode =
  | { kind: "option"; line: ConfigLine }
  | { kind: "host"; line: ConfigLine }
  | { kind: "match"; line: ConfigLine }
  | { kind: "include"; line: ConfigLine; files: ConfigFile[] };

export interface ConfigFile {
  file: string;
  nodes: ConfigNode[];
}

export interface SshConfig extends ConfigFile {
  /** Home directory for `~`, `%d` and relative Include paths (~/.ssh). */
  home: string;
  /** Told once per distinct message (Match exec, unsupported keywords). */
  warn: (message: string) => void;
}

export interface LoadSshConfigOptions {
  home?: string;
  warn?: (message: string) => void;
  /** A missing file is an error (for --ssh-config FILE); the default ~/.ssh/config may be absent. */
  required?: boolean;
}

const MAX_INCLUDE_DEPTH = 16; // as OpenSSH

export function defaultSshConfigPath(home = homedir()): string {
  return join(home, ".ssh", "config");
}

export function loadSshConfig(file: string, options: LoadSshConfigOptions = {}): SshConfig {
  const home = options.home ?? homedir();
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT" && !options.required) {
      return { file, nodes: [], home, warn: warnOnce(options.warn) };
    }
    throw new InputError(`cannot read ssh_config ${file}: ${(err as Error).message}`);
  }
  return { file, nodes: buildNodes(text, file, home, 0), home, warn: warnOnce(options.warn) };
}

/** Parse text already in memory (tests, or a config passed inline). */
export function parseSshConfig(
  text: string,
  file: string,
  options: Omit<LoadSshConfigOptions, "required"> = {},
): SshConfig {
  const home = options.home ?? homedir();
  return { file, nodes: buildNodes(text, file, home, 0), home, warn: warnOnce(options.warn) };
}

function warnOnce(
  warn: (message: string) => void = (message) => void process.stderr.write(`warning: ${message}\n`),
): (message: string) => void {
  const seen = new Set<string>();
  return (message) => {
    if (seen.has(message)) return;
    seen.add(message);
    warn(message);
  };
}

function buildNodes(text: string, file: string, home: string, depth: number): ConfigNode[] {
  return splitConfigLines(text, file).map((line): ConfigNode => {
    if (line.keyword === "host") return { kind: "host", line };
    if (line.keyword === "match") return { kind: "match", line };
    if (line.keyword !== "include") return { kind: "option", line };
    if (depth + 1 > MAX_INCLUDE_DEPTH) {
      throw new InputError("", [
        { file, line: line.line, col: 1, message: `Include nested deeper than ${MAX_INCLUDE_DEPTH}` },
      ]);
    }
    const files: ConfigFile[] = [];
    for (const arg of line.args) {
      const pattern = arg.startsWith("~/") ? join(home, arg.slice(2)) : arg;
      for (const path of expandIncludePath(pattern, join(home, ".ssh"))) {
        files.push({ file: path, nodes: buildNodes(readFileSync(path, "utf8"), path, home, depth + 1) });
      }
    }
    return { kind: "include", line, files };
  });
}
