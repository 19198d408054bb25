// Long build steps (debootstrap, mkfs) whose output is progress for a person watching.
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { runSync } from "../netns/command.js";

/**
 * Run argv, passing each output line to `onLine`; rejects on a non-zero exit with the last lines
 * of output (debootstrap puts the reason there, and its own log in the target's debootstrap dir).
 */
export function runStreamed(argv: string[], onLine: (line: string) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    // A builder killed mid-build must not leave debootstrap writing into a directory that the next
    // build removes as abandoned: the kernel kills it with us.
    const child = spawn("setpriv", ["--pdeathsig", "KILL", "--", ...argv], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    const tail: string[] = [];
    const feed = (stream: NodeJS.ReadableStream) => {
      let partial = "";
      stream.on("data", (chunk: Buffer) => {
        const lines = (partial + chunk.toString()).split("\n");
        partial = lines.pop() ?? "";
        for (const line of lines) {
          tail.push(line);
          if (tail.length > 20) tail.shift();
          onLine(line);
        }
      });
    };
    feed(child.stdout);
    feed(child.stderr);
    child.on("error", reject);
    child.on("close", (code) => {
      if (code === 0) resolve();
      else reject(new Error(`${argv[0]} exited with ${code}:\n${tail.join("\n")}`));
    });
  });
}

/** Mount points at or below `dir`, deepest first (an interrupted debootstrap leaves proc and sys). */
export function mountsBelow(dir: string): string[] {
  const prefix = dir.endsWith("/") ? dir : `${dir}/`;
  return readFileSync("/proc/self/mountinfo", "utf8")
    .split("\n")
    .map((line) => line.split(" ")[4])
    .filter((point): point is string => point !== undefined && (point === dir || point.startsWith(prefix)))
    .map((point) => point.replace(/\\040/g, " "))
    .sort((a, b) => b.length - a.length);
}

/** Unmount everything below `dir` (lazily: a busy mount must not block removing the rest). */
export function unmountBelow(dir: string): void {
  for (const point of mountsBelow(dir)) runSync(["umount", "-l", point]);
}
