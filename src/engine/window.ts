// Debug windows: identity, owner and the limits on their length.
import { randomBytes } from "node:crypto";
import { hostname, userInfo } from "node:os";

export const DEFAULT_WINDOW_MS = 15 * 60_000;
export const MAX_WINDOW_MS = 24 * 3_600_000;

/** "20261125T120501-3fa2": sortable, and safe anywhere (file names, unit names, shell). */
export function newWindowId(now = new Date()): string {
  const stamp = now
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d+Z$/, "");
  return `${stamp}-${randomBytes(2).toString("hex")}`;
}

export const WINDOW_ID = /^[0-9]{8}T[0-9]{6}-[0-9a-f]{4}$/;

/** user@controller, reduced to characters that are safe in the host journal. */
export function windowOwner(): string {
  let user: string;
  try {
    user = userInfo().username;
  } catch {
    user = process.env.USER ?? "unknown";
  }
  return `${user}@${hostname()}`.replace(/[^A-Za-z0-9_.@-]/g, "_").slice(0, 100);
}
