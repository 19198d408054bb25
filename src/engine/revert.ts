// The revert phase on one host: runs the revert script the apply installed there.
import { HostError } from "../errors.js";
import type { Connection } from "../transport/types.js";
import { revertScript } from "./host/scripts.js";
import { hostLines, requireFields, throwIfDenied, throwIfLocked } from "./hostOutput.js";
import { hostChange } from "./apply.js";
import { hostKey } from "../kinds/registry.js";
import type { RevertOutcome } from "./outcomes.js";

export interface RevertRequest {
  force: boolean;
  window?: string;
  timeoutMs?: number;
}

export async function revertHost(conn: Connection, req: RevertRequest): Promise<RevertOutcome> {
  const result = await conn.runScript(revertScript(req), { timeoutMs: req.timeoutMs });
  return interpretRevert(conn.host.name, result.stdout, result.stderr, result.code);
}

export function interpretRevert(
  host: string,
  stdout: string,
  stderr: string,
  code: number | null,
): RevertOutcome {
  const lines = hostLines(stdout);
  throwIfDenied(lines, host);
  throwIfLocked(lines, host);
  const restored = lines.flatMap(({ tag, fields: [kind, key, cur, from] }) => {
    if (tag !== "restored") return [];
    if (cur === "unloaded") return [hostChange([kind, key, "loaded", "absent"])];
    return from === undefined ? [] : [hostChange([kind, key, cur, from])];
  });
  const drift = lines
    .filter((l) => l.tag === "drift")
    .map(({ fields }) => {
      const [kind, key, now, expected] = requireFields(fields, 4);
      return { key: hostKey(kind, key), now, expected };
    });
  const inUse = lines.filter((l) => l.tag === "inuse").map((l) => l.fields[1]);
  const end = lines.find((l) => l.tag === "revert");
  if (!end)
    throw new HostError(
      "remote",
      host,
      `revert did not finish (exit ${code}): ${stderr.trim().split("\n").slice(-3).join(" ")}`,
    );
  const [state, window] = end.fields;
  const base = { command: "revert", host, ok: true, error: null, changes: restored, in_use: inUse } as const;
  if (state === "none")
    return { ...base, changed: false, found: "none", window: null, message: "no open window" };
  if (state === "other")
    return {
      ...base,
      changed: false,
      found: "other",
      window: requireFields(end.fields, 2)[1],
      message: `open window is ${window}, not the one asked for`,
    };
  if (state === "drift" || state === "failed" || state === "left") {
    const detail = drift.map((d) => `${d.key} is ${d.now} (nfdebug set ${d.expected})`).join("; ");
    const failures = lines.filter((l) => l.tag === "failed").map((l) => l.fields.slice(1).join(": "));
    // Modules still in use stay loaded and stay in the journal: status shows them, --force retries.
    const stillUsed = inUse.length
      ? `; left loaded, in use: ${inUse.join(", ")} (kept in the journal: run revert --force once nothing uses them)`
      : "";
    const message =
      state === "drift"
        ? `changed by someone else since apply, left alone: ${detail}; use --force to restore anyway`
        : state === "failed"
          ? `could not restore: ${failures.join("; ")}`
          : "not everything could be restored";
    throw Object.assign(
      new HostError(state === "drift" ? "drift" : "remote", host, `${message}${stillUsed}`),
      // What it did restore is still reported with the failure.
      { drift, changes: restored },
    );
  }
  return { ...base, changed: restored.length > 0, found: "window", window: requireFields(end.fields, 2)[1] };
}
