// Read an ssh_config file and everything it Includes into a tree, once; resolving a host then
// walks the tree without touching the filesystem again. As ssh does, the user's file is followed
// by the system file (/etc/ssh/ssh_config and its Includes), unless a file was named (ssh -F).
import { readFileSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, join } from "node:path";
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
  /** The system file and what it Includes, walked after the user's file. */
  systemFiles: ConfigFile[];
  /** Lines that applied to a resolved host but that the ssh2 transport ignores, by FILE:LINE. */
  ignored: Map<string, ConfigLine>;
}

export interface LoadSshConfigOptions {
  home?: string;
  warn?: (message: string) => void;
  /** A missing file is an error (for --ssh-config FILE); the default ~/.ssh/config may be absent. */
  required?: boolean;
  /** Read after the user's file when it exists (systemSshConfigPath()); omit for none. */
  systemFile?: string;
}

export const SYSTEM_SSH_CONFIG = "/etc/ssh/ssh_config";

/**
 * /etc/ssh/ssh_config, or NFDEBUG_SYSTEM_SSH_CONFIG when set: tests point it at a file of their
 * own, since they must not edit /etc.
 */
export function systemSshConfigPath(env: NodeJS.ProcessEnv = process.env): string {
  return env.NFDEBUG_SYSTEM_SSH_CONFIG || SYSTEM_SSH_CONFIG;
}

const MAX_INCLUDE_DEPTH = 16; // as OpenSSH

export function defaultSshConfigPath(home = homedir()): string {
  return join(home, ".ssh", "config");
}

export function loadSshConfig(file: string, options: LoadSshConfigOptions = {}): SshConfig {
  const home = options.home ?? homedir();
  const text = readConfigText(file, options.required === true);
  const nodes = text === null ? [] : buildNodes(text, file, home, join(home, ".ssh"), 0);
  const systemFiles: ConfigFile[] = [];
  const systemText = options.systemFile === undefined ? null : readConfigText(options.systemFile, false);
  if (systemText !== null) {
    const systemFile = options.systemFile!;
    // ssh resolves a relative Include in the system file against /etc/ssh.
    systemFiles.push({
      file: systemFile,
      nodes: buildNodes(systemText, systemFile, home, dirname(systemFile), 0),
    });
  }
  return { file, nodes, home, warn: warnOnce(options.warn), systemFiles, ignored: new Map() };
}

function readConfigText(file: string, required: boolean): string | null {
  try {
    return readFileSync(file, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT" && !required) return null;
    throw new InputError(`cannot read ssh_config ${file}: ${(err as Error).message}`);
  }
}

/** Parse text already in memory (tests, or a config passed inline). */
export function parseSshConfig(
  text: string,
  file: string,
  options: Omit<LoadSshConfigOptions, "required"> = {},
): SshConfig {
  const home = options.home ?? homedir();
  const nodes = buildNodes(text, file, home, join(home, ".ssh"), 0);
  return { file, nodes, home, warn: warnOnce(options.warn), systemFiles: [], ignored: new Map() };
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

function buildNodes(
  text: string,
  file: string,
  home: string,
  includeDir: string,
  depth: number,
): ConfigNode[] {
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
      for (const path of expandIncludePath(pattern, includeDir)) {
        const text = readFileSync(path, "utf8");
        files.push({ file: path, nodes: buildNodes(text, path, home, includeDir, depth + 1) });
      }
    }
    return { kind: "include", line, files };
  });
}
