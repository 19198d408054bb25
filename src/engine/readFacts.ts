// The facts phase: one round trip per host.
import { HostError, MalformedAnswer } from "../errors.js";
import { parseFacts } from "../facts/parse.js";
import type { HostFacts } from "../facts/types.js";
import { realModuleName } from "../knobs/modules.js";
import { printkFactFilters } from "../knobs/printk.js";
import type { Profile } from "../profile/types.js";
import type { Connection } from "../transport/types.js";
import { factsScript } from "./host/scripts.js";
import { unreadableKind } from "./hostOutput.js";
import { detectSourcesScript } from "../logs/sources/detect.js";

const DEFAULT_MODULES = ["nf_conntrack", "nf_log_syslog", "nfnetlink_log"];

/** 5.13 merged the per-family nf_log modules into nf_log_syslog: module names differ from there on. */
const NF_LOG_SYSLOG_SINCE = "5.13";

/** The facts round trip's script for a profile (or for status/facts, without one). */
export function readFactsScript(profile?: Profile): string {
  const modules = new Set(DEFAULT_MODULES);
  // The kernel release is not known yet: ask about the name a module has before 5.13 (as written)
  // and the one it has since.
  for (const m of profile?.modules ?? []) {
    modules.add(m.replaceAll("-", "_"));
    modules.add(realModuleName(m, NF_LOG_SYSLOG_SINCE));
  }
  const args = [
    ...[...modules].map((m) => `m:${m}`),
    ...(profile ? printkFactFilters(profile).map((p) => `p:${p}`) : []),
  ];
  return factsScript(args, [{ name: "logsources", script: detectSourcesScript() }]);
}

export async function readFacts(conn: Connection, profile?: Profile, timeoutMs?: number): Promise<HostFacts> {
  const result = await conn.runScript(readFactsScript(profile), { timeoutMs });
  return factsOrError(conn.host.name, result.stdout, result.stderr, result.code);
}

/** The facts in a script's output, or a HostError saying why there are none. */
export function factsOrError(host: string, stdout: string, stderr: string, code: number | null): HostFacts {
  try {
    return parseFacts(stdout);
  } catch (err) {
    if (!(err instanceof MalformedAnswer)) throw err;
    throw new HostError(
      unreadableKind(code),
      host,
      `could not read facts (exit ${code}): ${stderr.trim().split("\n").slice(-3).join(" ") || err.message}`,
      { cause: err },
    );
  }
}
