// `Host` and `Match` lines: does this block apply to the host being resolved?
// Match supports all, host, originalhost, user and localuser. `Match exec` is never run (it
// would execute a command from a config file on every nfdebug run): it does not match, with a
// warning. Other criteria (canonical, final, localnetwork, tagged, ...) also do not match.
import { matchPattern, matchPatternList } from "../../transport/hostPatterns.js";
import type { ConfigLine } from "./configLines.js";

export interface MatchContext {
  /** HostName so far (expanded), else the alias. */
  host: string;
  originalHost: string;
  /** User so far, else the local user. */
  user: string;
  localUser: string;
  warn: (message: string) => void;
}

export function hostLineMatches(line: ConfigLine, alias: string): boolean {
  let matched = false;
  for (const arg of line.args) {
    const negated = arg.startsWith("!");
    const pattern = (negated ? arg.slice(1) : arg).toLowerCase();
    if (matchPattern(alias.toLowerCase(), pattern)) {
      if (negated) return false;
      matched = true;
    }
  }
  return matched;
}

export function matchLineMatches(line: ConfigLine, ctx: MatchContext): boolean {
  const where = `${line.file}:${line.line}`;
  const args = [...line.args];
  let result = true;
  while (args.length > 0) {
    const word = args.shift()!;
    const negated = word.startsWith("!");
    const criterion = (negated ? word.slice(1) : word).toLowerCase();
    let hit: boolean;
    if (criterion === "all") hit = true;
    else if (["host", "originalhost", "user", "localuser", "exec"].includes(criterion)) {
      const value = args.shift();
      if (value === undefined) {
        ctx.warn(`${where}: Match ${criterion} needs an argument; block ignored`);
        return false;
      }
      if (criterion === "exec") {
        ctx.warn(`${where}: "Match exec" is never executed by nfdebug; the block is treated as not matching`);
        return false;
      }
      const subject = {
        host: ctx.host,
        originalhost: ctx.originalHost,
        user: ctx.user,
        localuser: ctx.localUser,
      }[criterion]!;
      hit = matchPatternList(subject, value, criterion.endsWith("host")) === 1;
    } else {
      ctx.warn(
        `${where}: Match ${criterion} is not supported by nfdebug; the block is treated as not matching`,
      );
      return false;
    }
    if (negated ? hit : !hit) result = false;
  }
  return result;
}
