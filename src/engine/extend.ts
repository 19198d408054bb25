// Extend: move an open window's expiry on one host.
import { unchangedOutcome } from "./result.js";
import type { ExtendOutcome } from "./outcomes.js";
import { HostError } from "../errors.js";
import type { Connection } from "../transport/types.js";
import { extendScript } from "./host/scripts.js";
import { epochIso, hostLines, requireFields, throwIfDenied, throwIfLocked } from "./hostOutput.js";

export async function extendHost(
  conn: Connection,
  window: string,
  seconds: number,
  timeoutMs?: number,
): Promise<ExtendOutcome> {
  const result = await conn.runScript(extendScript(window, seconds), { timeoutMs });
  return interpretExtend(conn.host.name, window, result.stdout, result.code);
}

/** The extend script's "@@extend\tSTATE\tID\tEXPIRES" line as an outcome, or the HostError. */
export function interpretExtend(
  host: string,
  window: string,
  stdout: string,
  code: number | null,
): ExtendOutcome {
  const lines = hostLines(stdout);
  throwIfDenied(lines, host);
  throwIfLocked(lines, host);
  const fail = lines.find((l) => l.tag === "fail");
  if (fail) throw new HostError("remote", host, fail.fields[1]);
  const end = lines.find((l) => l.tag === "extend");
  if (!end) throw new HostError("remote", host, `extend did not finish (exit ${code})`);
  const [state] = end.fields;
  if (state === "none")
    return unchangedOutcome(host, {
      command: "extend",
      found: "none",
      window: null,
      message: "no open window",
    });
  const [, id] = requireFields(end.fields, 2);
  if (state === "other")
    return unchangedOutcome(host, {
      command: "extend",
      found: "other",
      window: id,
      message: `open window is ${id}, not ${window}`,
    });
  // Its expiry had passed before its switch reverted it: this extend reverted it instead.
  if (state === "expired")
    return unchangedOutcome(host, {
      command: "extend",
      found: "expired",
      window: id,
      message: `window ${id} had expired: reverted now, not extended`,
    });
  return {
    command: "extend",
    host,
    ok: true,
    changed: true,
    changes: [],
    error: null,
    found: "window",
    window: id,
    expires: epochIso(Number(requireFields(end.fields, 3)[2])),
  };
}
