// ssh2 counts a keepalive as answered only once its reply is read. Behind the megabytes a
// streamed collect has in flight, that reply can wait longer than interval × count on a busy
// controller (seen: 200 hosts × 50,000 lines, "connection lost (Keepalive timeout)" while every
// host was still sending). OpenSSH's ServerAliveInterval probes only when nothing has been
// received for an interval; ssh2 gets the same rule here: data arriving on any channel restarts
// its keepalive count. ssh2 has no public call for that; _resetKA is internal (lib/client.js of
// ssh2 1.x, set by connect()), and a test fails if an upgrade removes it.
import type { Client } from "ssh2";

/**
 * A function to call whenever the server sent something; a no-op without keepalives or if ssh2
 * lacks the hook. Restarts are spaced a quarter interval apart: a stream delivers a chunk every
 * few microseconds.
 */
export function serverAliveHook(client: Client, intervalMs: number): () => void {
  const internal = client as unknown as { _resetKA?: () => void };
  if (intervalMs <= 0 || typeof internal._resetKA !== "function") return () => undefined;
  const spacing = intervalMs / 4;
  let last = 0;
  return () => {
    const now = performance.now();
    if (now - last < spacing) return;
    last = now;
    internal._resetKA?.();
  };
}
