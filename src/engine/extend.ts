// Extend: move an open window's expiry on one host.
import { unchangedOutcome, type HostOutcome } from "./result.js";
import { HostError } from "../errors.js";
import type { Connection } from "../transport/types.js";
import { extendScript } from "./host/scripts.js";
import { epochIso, hostLines, throwIfDenied, throwIfLocked } from "./hostOutput.js";

export async function extendHost(
  conn: Connection,
  window: string,
  seconds: number,
  timeoutMs?: number,
): Promise<HostOutcome> {
  const host = conn.host.name;
  const result = await conn.runScript(extendScript(window, seconds), { timeoutMs });
  const lines = hostLines(result.stdout);
  throwIfDenied(lines, host);
  throwIfLocked(lines, host);
  const fail = lines.find((l) => l.tag === "fail");
  if (fail) throw new HostError("remote", host, fail.fields[1]);
  const end = lines.find((l) => l.tag === "extend");
  if (!end) throw new HostError("remote", host, `extend did not finish (exit ${result.code})`);
  const [state, id, expires] = end.fields;
  if (state === "none") return unchangedOutcome(host, { message: "no open window" });
  if (state === "other") return unchangedOutcome(host, { message: `open window is ${id}, not ${window}` });
  return {
    host,
    ok: true,
    changed: true,
    changes: [],
    error: null,
    window: id,
    expires: epochIso(Number(expires)),
  };
}
