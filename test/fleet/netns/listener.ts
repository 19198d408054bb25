// The TCP side of a host: socat on 127.0.0.1:PORT that runs the host's serve script per connection.
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { shQuote } from "../../../src/shell/quote.js";

export interface ListenerSpec {
  port: number;
  serveScript: string;
  logFile: string;
}

/**
 * Start one socat per host and return their pids, in order. One `sh` launches them all (a node
 * spawn per host costs several ms each on a loaded 2-core machine). The launcher runs in its own
 * session and exits at once, so the listeners belong to no terminal, hold no pipe to us, and can
 * outlive this process (persistent fleets).
 */
export async function spawnListeners(specs: ListenerSpec[]): Promise<number[]> {
  const script = specs
    .map(
      (l) =>
        `socat TCP-LISTEN:${l.port},bind=127.0.0.1,fork,reuseaddr,backlog=256 ${shQuote(`EXEC:${l.serveScript}`)}` +
        ` </dev/null >>${shQuote(l.logFile)} 2>&1 & echo $!`,
    )
    .join("\n");
  const output = await new Promise<string>((resolve, reject) => {
    const launcher = spawn("sh", ["-c", script], { detached: true, stdio: ["ignore", "pipe", "inherit"] });
    let text = "";
    launcher.stdout.on("data", (chunk: Buffer) => (text += chunk.toString()));
    launcher.on("error", reject);
    launcher.on("close", (code) =>
      code === 0 ? resolve(text) : reject(new Error(`listener launcher exited ${code}`)),
    );
  });
  const pids = output.trim().split("\n").map(Number);
  if (pids.length !== specs.length || pids.some((pid) => !Number.isInteger(pid) || pid <= 0)) {
    throw new Error(`listener launcher printed ${JSON.stringify(output)}`);
  }
  return pids;
}

/** Loopback ports in LISTEN state, from /proc/net/tcp of our (the initial) namespace. */
export function listeningLoopbackPorts(): Set<number> {
  const ports = new Set<number>();
  for (const line of readFileSync("/proc/net/tcp", "utf8").split("\n").slice(1)) {
    const fields = line.trim().split(/\s+/);
    // local_address is 0100007F:PORT for 127.0.0.1; st 0A is LISTEN.
    if (fields.length > 3 && fields[3] === "0A" && fields[1].startsWith("0100007F:")) {
      ports.add(parseInt(fields[1].slice(9), 16));
    }
  }
  return ports;
}

/** A process that exists and is not a zombie (a listener that failed to bind waits as one for init). */
export function isAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) !== "Z";
  } catch {
    return false;
  }
}

/**
 * Wait until every port listens. A listener whose process died (port taken in the meantime) is
 * reported back, so the caller can move it to another port.
 */
export async function waitListening(
  listeners: { port: number; pid: number }[],
  timeoutMs = 10_000,
): Promise<{ port: number; pid: number }[]> {
  const deadline = Date.now() + timeoutMs;
  const failed: { port: number; pid: number }[] = [];
  let pending = listeners;
  for (;;) {
    const listening = listeningLoopbackPorts();
    pending = pending.filter((l) => !listening.has(l.port));
    failed.push(...pending.filter((l) => !isAlive(l.pid)));
    pending = pending.filter((l) => isAlive(l.pid));
    if (pending.length === 0) return failed;
    if (Date.now() > deadline) throw new Error(`socat not listening on ports ${pending.map((l) => l.port)}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
