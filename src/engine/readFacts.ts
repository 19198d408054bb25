// The facts phase: one round trip per host.
import { HostError, MalformedAnswer } from "../errors.js";
import { parseFacts } from "../facts/parse.js";
import type { HostFacts } from "../facts/types.js";
import { KINDS, KNOBS } from "../kinds/registry.js";
import type { Profile } from "../profile/types.js";
import type { Connection } from "../transport/types.js";
import { factsScript } from "./host/scripts.js";
import { unreadableKind } from "./hostOutput.js";
import { detectSourcesShell } from "../logs/sources/detect.js";

/** The facts round trip's script for a profile (or for status/facts, without one): what each kind and knob asks for. */
export function readFactsScript(profile?: Profile): string {
  const args = new Set([
    ...KINDS.flatMap((k) => k.factsArgs(profile)),
    ...KNOBS.flatMap((k) => k.factsArgs ?? []),
  ]);
  return factsScript([...args], [{ name: "logsources", script: detectSourcesShell() }]);
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
