// Resolve one host alias against an ssh_config tree with OpenSSH's rules: blocks apply when
// their Host/Match line matches, the first value obtained for a keyword wins (IdentityFile
// accumulates), and an Include inherits the state of the block it sits in.
import { userInfo, hostname } from "node:os";
import { InputError } from "../../errors.js";
import type { ConfigLine } from "./configLines.js";
import type { ConfigNode, SshConfig } from "./configTree.js";
import { hostLineMatches, matchLineMatches } from "./matchCriteria.js";
import { expandTilde, expandTokens, type TokenValues } from "./percentTokens.js";
import { parseProxyJump, type JumpSpec } from "./proxyJump.js";

export interface ResolvedSshConfig {
  /** HostName with %h expanded; the alias itself when not set. */
  hostName: string;
  port?: number;
  user?: string;
  /** Expanded paths, in the order obtained. Empty when none was configured. */
  identityFiles: string[];
  identitiesOnly?: boolean;
  /** Undefined when not set; [] for `ProxyJump none`. */
  proxyJump?: JumpSpec[];
}

interface Raw {
  hostname?: ConfigLine;
  port?: ConfigLine;
  user?: ConfigLine;
  identitiesonly?: ConfigLine;
  proxyjump?: ConfigLine;
  proxycommand?: ConfigLine;
  identityfile: ConfigLine[];
}

const FIRST_WINS = ["hostname", "port", "user", "identitiesonly", "proxyjump", "proxycommand"] as const;

export function resolveSshConfig(config: SshConfig, alias: string): ResolvedSshConfig {
  const raw: Raw = { identityfile: [] };
  const localUser = userInfo().username;
  const walk = (nodes: ConfigNode[], startActive: boolean, neverMatch: boolean): void => {
    let active = startActive;
    for (const node of nodes) {
      if (node.kind === "host") active = !neverMatch && hostLineMatches(node.line, alias);
      else if (node.kind === "match") {
        const host = raw.hostname ? expandHostName(raw.hostname, alias) : alias;
        const user = raw.user?.args[0] ?? localUser;
        active =
          !neverMatch &&
          matchLineMatches(node.line, { host, originalHost: alias, user, localUser, warn: config.warn });
      } else if (node.kind === "include") {
        for (const file of node.files) walk(file.nodes, active, neverMatch || !active);
      } else if (active) take(raw, node.line, config);
    }
  };
  walk(config.nodes, true, false);
  return finish(raw, alias, config, localUser);
}

function take(raw: Raw, line: ConfigLine, config: SshConfig): void {
  const key = line.keyword;
  if (key === "identityfile") return void raw.identityfile.push(line);
  if (!(FIRST_WINS as readonly string[]).includes(key)) return;
  const k = key as (typeof FIRST_WINS)[number];
  // ProxyJump and ProxyCommand share one slot in OpenSSH: whichever comes first wins.
  if ((k === "proxyjump" || k === "proxycommand") && (raw.proxyjump || raw.proxycommand)) return;
  if (raw[k] !== undefined) return;
  if (line.args.length === 0) throw problem(line, `${key} needs a value`);
  raw[k] = line;
  if (k === "proxycommand") {
    config.warn(
      `${line.file}:${line.line}: ProxyCommand is run by the system ssh (--transport openssh, or auto, which picks it for such hosts); --transport ssh2 ignores it`,
    );
  }
}

function finish(raw: Raw, alias: string, config: SshConfig, localUser: string): ResolvedSshConfig {
  const hostName = raw.hostname ? expandHostName(raw.hostname, alias) : alias;
  const resolved: ResolvedSshConfig = { hostName, identityFiles: [] };
  if (raw.port) {
    const port = Number(raw.port.args[0]);
    if (!/^\d+$/.test(raw.port.args[0]!) || port < 1 || port > 65535)
      throw problem(raw.port, "Port must be 1-65535");
    resolved.port = port;
  }
  if (raw.user) resolved.user = raw.user.args[0]!;
  if (raw.identitiesonly) {
    const value = raw.identitiesonly.args[0]!.toLowerCase();
    if (value !== "yes" && value !== "no")
      throw problem(raw.identitiesonly, "IdentitiesOnly must be yes or no");
    resolved.identitiesOnly = value === "yes";
  }
  if (raw.proxyjump) {
    const hops = parseProxyJump(raw.proxyjump.args.join(" "));
    if (typeof hops === "string") throw problem(raw.proxyjump, hops);
    resolved.proxyJump = hops;
  }
  const tokens: TokenValues = {
    d: config.home,
    u: localUser,
    h: hostName,
    r: resolved.user ?? localUser,
    p: String(resolved.port ?? 22),
    l: hostname(),
    L: hostname().split(".")[0]!,
    n: alias,
    i: String(userInfo().uid),
  };
  for (const line of raw.identityfile) {
    const expanded = expandTokens(expandTilde(line.args[0]!, config.home), tokens);
    if (typeof expanded !== "string")
      throw problem(line, `unknown token ${expanded.unknown} in IdentityFile`);
    if (!resolved.identityFiles.includes(expanded)) resolved.identityFiles.push(expanded);
  }
  return resolved;
}

function expandHostName(line: ConfigLine, alias: string): string {
  const expanded = expandTokens(line.args[0]!, { h: alias });
  if (typeof expanded !== "string")
    throw problem(line, `unknown token ${expanded.unknown} in HostName (only %h and %%)`);
  return expanded;
}

function problem(line: ConfigLine, message: string): InputError {
  return new InputError(message, [{ file: line.file, line: line.line, col: 1, message }]);
}
