// Free loopback ports for the hosts' listeners.
//
// Ports come from below the kernel's ephemeral range: 200 parallel ssh clients take their source
// ports from that range, and a restore() must be able to bind the same port again later.
import { readFileSync } from "node:fs";
import { listeningLoopbackPorts } from "./listener.js";

const LOWEST = 20_000;

function ephemeralRangeStart(): number {
  try {
    const [low] = readFileSync("/proc/sys/net/ipv4/ip_local_port_range", "utf8").trim().split(/\s+/);
    return Number(low) || 32_768;
  } catch {
    return 32_768;
  }
}

/** Ports in use on 127.0.0.1 (listening or connected), from /proc/net/tcp. */
function usedLoopbackPorts(): Set<number> {
  const used = listeningLoopbackPorts();
  for (const line of readFileSync("/proc/net/tcp", "utf8").split("\n").slice(1)) {
    const local = line.trim().split(/\s+/)[1];
    if (local?.startsWith("0100007F:") || local?.startsWith("00000000:"))
      used.add(parseInt(local.slice(9), 16));
  }
  return used;
}

/**
 * `count` ports not in use, starting at a random base so parallel runs rarely try the same ones
 * (a clash is still caught: the listener fails to bind and the fleet moves it, see fleet.ts).
 */
export function pickFreePorts(count: number, avoid: Set<number> = new Set()): number[] {
  const high = ephemeralRangeStart() - 1;
  const span = high - LOWEST + 1;
  if (count > span / 2) throw new Error(`cannot place ${count} hosts in ports ${LOWEST}-${high}`);
  const used = usedLoopbackPorts();
  const ports: number[] = [];
  let candidate = LOWEST + Math.floor(Math.random() * span);
  for (let tried = 0; ports.length < count && tried < span; tried++) {
    if (!used.has(candidate) && !avoid.has(candidate)) ports.push(candidate);
    candidate = candidate >= high ? LOWEST : candidate + 1;
  }
  if (ports.length < count) throw new Error(`only ${ports.length} free loopback ports for ${count} hosts`);
  return ports;
}
