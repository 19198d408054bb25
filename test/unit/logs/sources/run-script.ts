// Runs a rendered source snippet with the machine's /bin/sh (dash on Debian: a strict POSIX sh), the
// way Connection.runScript runs it on a host (script on stdin to `sh -s`), and feeds its stdout to a
// source parser line by line.
import { execFileSync } from "node:child_process";
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { DetectedSource } from "../../../../src/logs/sources/detect.js";
import { sourceScript } from "../../../../src/logs/sources/framing.js";
import { startPosition, windowMark } from "../../../../src/logs/sources/reader.js";
import type { ReadOutcome, SourceItem, SourceOutputParser } from "../../../../src/logs/sources/types.js";

export function runSh(script: string, env: NodeJS.ProcessEnv = process.env): string {
  return execFileSync("/bin/sh", ["-s"], {
    input: script,
    encoding: "utf8",
    env,
    maxBuffer: 256 * 1024 * 1024,
  });
}

export interface ParsedOutput extends ReadOutcome {
  list: SourceItem[];
}

export function feed(parser: SourceOutputParser, output: string): ParsedOutput {
  const list: SourceItem[] = [];
  for (const line of output.split("\n")) {
    const item = parser.push(line);
    if (item) list.push(item);
  }
  return { ...parser.finish(), list };
}

/** Write a userspace record into the kernel ring buffer (root only): real kernel state to read back. */
export function writeKmsg(text: string): void {
  execFileSync("/bin/sh", ["-c", 'printf "<5>%s\\n" "$1" > /dev/kmsg', "sh", text]);
}

/**
 * Stand-in commands (executables named like the real ones, first on PATH) for running a source
 * snippet against recorded output. Returns the environment to run with and a cleanup function.
 */
export function fakeCommands(commands: Record<string, string>): {
  env: NodeJS.ProcessEnv;
  cleanup: () => void;
} {
  const dir = mkdtempSync(join(tmpdir(), "nfdebug-fake-"));
  for (const [name, body] of Object.entries(commands)) {
    writeFileSync(join(dir, name), `#!/bin/sh\n${body}\n`);
    chmodSync(join(dir, name), 0o755);
  }
  return {
    env: { ...process.env, PATH: `${dir}:${process.env.PATH}`, NFD_FAKE_DIR: dir },
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** The whole script of a source's start position command, as the window marks run it. */
export function positionScript(source: DetectedSource): string {
  const { file, command } = startPosition(source);
  return sourceScript(file, command);
}

/** The whole script of the command that marks a window's start or end on /dev/kmsg. */
export function kmsgMarkScript(): string {
  const { file, command } = windowMark({ kind: "kmsg", detail: null });
  return sourceScript(file, command);
}
