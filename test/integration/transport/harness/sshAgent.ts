// A real ssh-agent in the foreground (-D) on a socket in the test's temp dir, killed at cleanup.
import { execFileSync, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { killTree, onCleanup } from "./cleanup.js";

export interface TestAgent {
  socket: string;
  add(privateKeyFile: string): void;
  stop(): void;
}

export async function startAgent(dir: string): Promise<TestAgent> {
  const socket = join(dir, "agent.sock");
  const child = spawn("ssh-agent", ["-D", "-a", socket], { stdio: "ignore" });
  const stop = onCleanup(`ssh-agent ${socket}`, () => child.pid && killTree(child.pid));
  for (let i = 0; i < 100 && !existsSync(socket); i++) await new Promise((r) => setTimeout(r, 20));
  if (!existsSync(socket)) throw new Error("ssh-agent did not create its socket");
  child.unref();
  return {
    socket,
    add: (file) => addKey(socket, file),
    stop,
  };
}

/** ssh-add, retried briefly: the socket file exists a moment before the agent listens on it. */
function addKey(socket: string, file: string): void {
  for (let attempt = 1; ; attempt++) {
    try {
      execFileSync("ssh-add", ["-q", file], {
        env: { ...process.env, SSH_AUTH_SOCK: socket },
        stdio: "ignore",
      });
      return;
    } catch (err) {
      if (attempt >= 20) throw err;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 50);
    }
  }
}
