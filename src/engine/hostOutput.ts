// What the engine's host scripts answer, read through the one host protocol (src/shell/frame.ts).
import { HostError, MalformedAnswer } from "../errors.js";
import { parseFrames, type Frame } from "../shell/frame.js";

export type HostLine = Frame;

/** The frames of a script's output; a malformed one is a MalformedAnswer. */
export function hostLines(stdout: string): HostLine[] {
  return parseFrames(stdout);
}

/** Every host script reports a lock held by another run the same way: "@@locked\tmessage". */
export function throwIfLocked(lines: HostLine[], host: string): void {
  const locked = lines.find((l) => l.tag === "locked");
  if (locked) throw new HostError("locked", host, locked.fields[0] || "locked by another nfdebug run");
}

/**
 * Scripts that need the journal say so when this login cannot read it ("@@denied\tmessage"):
 * without it a non-root login would just see "no open window".
 */
export function throwIfDenied(lines: HostLine[], host: string): void {
  const denied = lines.find((l) => l.tag === "denied");
  if (denied)
    throw new HostError(
      "become",
      host,
      `${denied.fields[0]}: set become: true in the inventory (or --become) to use sudo -n, or log in as root`,
    );
}

/**
 * The kind of a script's answer that cannot be read: a script that failed (exit ≠ 0) says why on
 * stderr (remote); one that exited 0 with a malformed answer broke the protocol.
 */
export function unreadableKind(code: number | null): "remote" | "protocol" {
  return code === 0 ? "protocol" : "remote";
}

/** The first `n` fields of a "@@" line: a line cut short is a malformed answer, not a crash later. */
export function requireFields(fields: string[], n: number): string[] {
  if (fields.length < n)
    throw new MalformedAnswer(
      `a host line has ${fields.length} of its ${n} fields: ${JSON.stringify(fields.join("\t"))}`,
    );
  return fields;
}

/** Host scripts print epoch seconds of the host's clock; anything else is a malformed answer. */
export function epochIso(seconds: number): string {
  const date = new Date(seconds * 1000);
  if (!Number.isFinite(date.getTime())) throw new MalformedAnswer(`not a time in epoch seconds: ${seconds}`);
  return date.toISOString();
}
