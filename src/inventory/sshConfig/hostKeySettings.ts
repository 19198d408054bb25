// The host-key directives of ssh_config (UserKnownHostsFile, GlobalKnownHostsFile,
// StrictHostKeyChecking, HostKeyAlias) for one resolved host, as the ssh2 transport uses them.
import { InputError } from "../../errors.js";
import type { HostKeySettings } from "../types.js";
import type { ConfigLine } from "./configLines.js";
import { expandTilde, expandTokens, type TokenValues } from "./percentTokens.js";

export interface HostKeyLines {
  userknownhostsfile?: ConfigLine;
  globalknownhostsfile?: ConfigLine;
  stricthostkeychecking?: ConfigLine;
  hostkeyalias?: ConfigLine;
}

export const HOST_KEY_KEYWORDS = [
  "userknownhostsfile",
  "globalknownhostsfile",
  "stricthostkeychecking",
  "hostkeyalias",
] as const;

// We never prompt: `ask` (OpenSSH's default) refuses an unknown key as ssh -o BatchMode=yes does.
// `no`/`off` accept any key, like --host-key-policy off (which, unlike ssh, records nothing).
const POLICIES: Record<string, HostKeySettings["policy"]> = {
  yes: "strict",
  ask: "strict",
  "accept-new": "accept-new",
  no: "off",
  off: "off",
};

export function hostKeySettings(lines: HostKeyLines, home: string, tokens: TokenValues): HostKeySettings {
  const settings: HostKeySettings = {};
  // ssh lower-cases the alias (ssh -G prints it so, and %k expands to it).
  const alias = lines.hostkeyalias?.args[0]?.toLowerCase();
  if (alias !== undefined) settings.alias = alias;
  // %k is the alias when set, else the host name as given (ssh_config(5) TOKENS).
  const withAlias: TokenValues = { ...tokens, k: alias ?? tokens.n };
  const files = (line: ConfigLine | undefined): string[] | undefined => {
    if (!line) return undefined;
    if (line.args.length === 1 && line.args[0]!.toLowerCase() === "none") return [];
    return line.args.map((arg) => {
      const expanded = expandTokens(expandTilde(arg, home), withAlias);
      if (typeof expanded !== "string")
        throw problem(line, `unknown token ${expanded.unknown} in ${keywordName(line)}`);
      return expanded;
    });
  };
  const user = files(lines.userknownhostsfile);
  if (user) settings.userKnownHostsFiles = user;
  const global = files(lines.globalknownhostsfile);
  if (global) settings.globalKnownHostsFiles = global;
  const strict = lines.stricthostkeychecking;
  if (strict) {
    const policy = POLICIES[strict.args[0]!.toLowerCase()];
    if (!policy) throw problem(strict, "StrictHostKeyChecking must be yes, no, ask, accept-new or off");
    settings.policy = policy;
    settings.policyFrom = `${strict.file}:${strict.line}`;
  }
  return settings;
}

function keywordName(line: ConfigLine): string {
  return line.keyword === "userknownhostsfile" ? "UserKnownHostsFile" : "GlobalKnownHostsFile";
}

function problem(line: ConfigLine, message: string): InputError {
  return new InputError(message, [{ file: line.file, line: line.line, col: 1, message }]);
}
