// After a fleet command in which hosts failed, their names go to a retry file, one per line, as
// Ansible writes one: `--limit @FILE` then acts on exactly those hosts.
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { stateDir } from "../audit/history.js";

/** A runbook's goes in its bundle; other commands' in $XDG_STATE_HOME/nfdebug/COMMAND.retry. */
export function retryPath(command: string, bundleDir?: string, env: NodeJS.ProcessEnv = process.env): string {
  return bundleDir ? join(bundleDir, "failed.retry") : join(stateDir(env), `${command}.retry`);
}

/**
 * Writes the file and returns the line that tells the user about it; a file that cannot be
 * written is said too, and is no failure of the command (the hosts' outcomes are what matter).
 */
export function writeRetryFile(path: string, failed: string[]): string {
  try {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, failed.map((name) => `${name}\n`).join(""));
    return `nfdebug: ${failed.length} failed host(s) listed in ${path}: retry them with --limit @${path}`;
  } catch (err) {
    return `nfdebug: could not write the retry file ${path}: ${(err as Error).message}`;
  }
}
