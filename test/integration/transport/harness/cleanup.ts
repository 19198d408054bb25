// Everything a transport integration test creates registers its removal here. Removals are
// synchronous so they also run from a process 'exit' handler when a test crashes.
import { readdirSync, readFileSync } from "node:fs";

const steps: { name: string; run: () => void }[] = [];
let hooked = false;

export function onCleanup(name: string, run: () => void): () => void {
  if (!hooked) {
    hooked = true;
    process.on("exit", runCleanups);
    for (const signal of ["SIGINT", "SIGTERM"] as const) {
      process.once(signal, () => {
        runCleanups();
        process.exit(130);
      });
    }
  }
  const step = { name, run };
  steps.push(step);
  return () => {
    const i = steps.indexOf(step);
    if (i !== -1) {
      steps.splice(i, 1);
      step.run();
    }
  };
}

/** Run every registered removal, newest first. */
export function runCleanups(): void {
  for (const step of steps.splice(0).reverse()) {
    try {
      step.run();
    } catch (err) {
      process.stderr.write(`cleanup ${step.name} failed: ${(err as Error).message}\n`);
    }
  }
}

/** Signal a process we started and all of its descendants (sshd forks a process per connection). */
export function killTree(pid: number, signal: NodeJS.Signals = "SIGKILL"): void {
  const all = descendants(pid);
  for (const p of [pid, ...all]) {
    try {
      process.kill(p, signal);
    } catch {
      // already gone
    }
  }
}

function descendants(root: number): number[] {
  const parentOf = new Map<number, number>();
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      parentOf.set(Number(name), ppid);
    } catch {
      // exited meanwhile
    }
  }
  const found: number[] = [];
  const queue = [root];
  while (queue.length > 0) {
    const parent = queue.shift()!;
    for (const [pid, ppid] of parentOf) {
      if (ppid === parent) {
        found.push(pid);
        queue.push(pid);
      }
    }
  }
  return found;
}
