// A Connection that runs scripts in a network namespace on this machine, with a private /run and
// /var/lib like the fleet's hosts, but without SSH: for testing the host scripts against real
// kernel state quickly. The SSH path is tested on the real fleet.
import { spawn, execFileSync } from "node:child_process";
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { HostSpec } from "../../src/inventory/types.js";
import type { Connection, ExecOptions, ExecResult } from "../../src/transport/types.js";
import { FollowUpConversation } from "../../src/transport/followUp.js";

/** Faults a NetnsShell host can be given (fault drills). */
export interface NetnsShellOptions {
  /** Bytes of a tmpfs mounted as the host's /run, or /var/lib (default: unlimited directories). */
  runSize?: number;
  varLibSize?: number;
}

const SIGNALS: NodeJS.Signals[] = ["SIGINT", "SIGTERM", "SIGHUP"];
const live = new Set<NetnsShell>();
let hooksInstalled = false;

/** Shells must not outlive the test process, however it ends (SIGKILL: see sweepDeadShells). */
function installExitHooks(): void {
  if (hooksInstalled) return;
  hooksInstalled = true;
  const destroyAll = () => [...live].forEach((s) => s.destroy());
  process.on("exit", destroyAll);
  const onSignal = (signal: NodeJS.Signals) => {
    destroyAll();
    for (const s of SIGNALS) process.removeListener(s, onSignal);
    process.kill(process.pid, signal);
  };
  for (const s of SIGNALS) process.on(s, onSignal);
}

/** Namespaces "PREFIX-PID-XXXX" of shells whose test process died without cleaning up. */
function sweepDeadShells(): void {
  let names: string[];
  try {
    names = execFileSync("ip", ["netns", "list"], { encoding: "utf8" })
      .split("\n")
      .map((l) => l.split(" ")[0]);
  } catch {
    return;
  }
  for (const name of names) {
    const m = /^nfd[a-z]*-(\d+)-[0-9a-f]{4}$/.exec(name);
    if (!m || existsSync(`/proc/${m[1]}`)) continue;
    const dirs = readdirSync(tmpdir())
      .filter((d) => d.startsWith(`${name}-`))
      .map((d) => join(tmpdir(), d));
    destroyNamespace(name, dirs);
  }
}

/** Command lines of the processes in a network namespace (`ip netns pids`), as /proc shows them. */
export function netnsProcesses(netns: string): string[] {
  return netnsProcessIds(netns).map((p) => p.command);
}

/** The processes in the namespace, with their pids (those that ended meanwhile left out). */
export function netnsProcessIds(netns: string): Array<{ pid: number; command: string }> {
  return execFileSync("ip", ["netns", "pids", netns], { encoding: "utf8" })
    .split("\n")
    .filter(Boolean)
    .flatMap((pid) => {
      try {
        const command = readFileSync(`/proc/${pid}/cmdline`, "utf8").replace(/\0/g, " ").trim();
        return [{ pid: Number(pid), command }];
      } catch {
        return []; // ended meanwhile
      }
    });
}

/** Kills what runs in the namespace, deletes it, unmounts and removes its directories. */
function destroyNamespace(netns: string, dirs: string[]): void {
  try {
    const pids = execFileSync("ip", ["netns", "pids", netns], { encoding: "utf8" })
      .split("\n")
      .filter(Boolean);
    for (const pid of pids) {
      try {
        process.kill(Number(pid), "SIGKILL");
      } catch {
        // already gone
      }
    }
  } catch {
    // namespace already gone
  }
  try {
    execFileSync("ip", ["netns", "del", netns]);
  } catch {
    // already gone
  }
  for (const dir of dirs) {
    for (const sub of ["run", "var-lib"])
      try {
        execFileSync("umount", ["-l", join(dir, sub)], { stdio: "ignore" });
      } catch {
        // not a mount of its own
      }
    rmSync(dir, { recursive: true, force: true });
  }
}

export class NetnsShell implements Connection {
  readonly host: HostSpec;
  readonly netns: string;
  readonly dir: string;
  /**
   * Tools replaced, in the scripts run from now on (and what they leave running), by a stub that
   * says "not found" and exits 127, as a host without them would.
   */
  readonly hidden = new Set<string>();
  /** Files bind-mounted over others (target → source) in the scripts run from now on. */
  readonly binds = new Map<string, string>();

  /** Steps the host's wall clock (`date`, also for what already runs there) to now + `seconds`. */
  stepClock(seconds: number): void {
    writeFileSync(join(this.dir, "clock-offset"), `${seconds}\n`);
  }

  private constructor(netns: string, dir: string) {
    this.netns = netns;
    this.dir = dir;
    this.host = {
      name: netns,
      address: "127.0.0.1",
      port: 0,
      user: "root",
      identityFiles: [],
      groups: [],
      become: false,
      jump: [],
    };
  }

  static create(prefix = "nfdsh", options: NetnsShellOptions = {}): NetnsShell {
    installExitHooks();
    sweepDeadShells();
    const netns = `${prefix}-${process.pid}-${Math.random().toString(16).slice(2, 6)}`;
    const dir = mkdtempSync(join(tmpdir(), `${netns}-`));
    mkdirSync(join(dir, "run"));
    mkdirSync(join(dir, "var-lib"));
    for (const [sub, size] of [
      ["run", options.runSize],
      ["var-lib", options.varLibSize],
    ] as const)
      if (size)
        execFileSync("mount", ["-t", "tmpfs", "-o", `size=${size},mode=0755`, "tmpfs", join(dir, sub)]);
    // The fake wall clock: the real date, moved by the offset in this file.
    copyFileSync("/usr/bin/date", join(dir, "real-date"));
    writeFileSync(join(dir, "clock-offset"), "0\n");
    writeFileSync(
      join(dir, "date"),
      `#!/bin/sh\nread off < ${dir}/clock-offset\nnow=$(${dir}/real-date +%s)\nexec ${dir}/real-date -d "@$((now + off))" "$@"\n`,
      { mode: 0o755 },
    );
    writeFileSync(join(dir, "missing"), '#!/bin/sh\necho "${0##*/}: not found" >&2\nexit 127\n', {
      mode: 0o755,
    });
    execFileSync("ip", ["netns", "add", netns]);
    execFileSync("ip", ["-n", netns, "link", "set", "lo", "up"]);
    const shell = new NetnsShell(netns, dir);
    live.add(shell);
    return shell;
  }

  /** Run a plain command in the namespace (not through the host's private mounts). */
  exec(args: string[]): string {
    return execFileSync("ip", ["netns", "exec", this.netns, ...args], { encoding: "utf8" });
  }

  runScript(script: string, options: ExecOptions = {}): Promise<ExecResult> {
    const hide = [...this.hidden]
      .map((tool) => ` && mount --bind ${this.dir}/missing /usr/bin/${tool}`)
      .join("");
    const binds = [...this.binds].map(([target, source]) => ` && mount --bind ${source} ${target}`).join("");
    const setup = `mount --bind ${this.dir}/run /run && mount --bind ${this.dir}/var-lib /var/lib && mount --bind ${this.dir}/date /usr/bin/date${hide}${binds} && exec sh -s`;
    const child = spawn("ip", ["netns", "exec", this.netns, "unshare", "--mount", "sh", "-c", setup], {
      stdio: ["pipe", "pipe", "pipe"],
    });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on("data", (d: Buffer) => stdout.push(d));
    child.stderr.on("data", (d: Buffer) => stderr.push(d));
    // followUp exactly as the SSH transport does it (the same FollowUpConversation).
    const conversation = options.followUp
      ? new FollowUpConversation(options.followUp, (last) => {
          if (child.stdin.writable) child.stdin.end(last);
        })
      : undefined;
    if (conversation) {
      child.stdout.on("data", (d: Buffer) => conversation.onStdout(d));
      child.stdin.write(conversation.firstInput(script));
    } else {
      child.stdin.end(script);
    }
    return new Promise((resolve, reject) => {
      const timer = options.timeoutMs
        ? setTimeout(() => child.kill("SIGKILL"), options.timeoutMs)
        : undefined;
      child.on("error", reject);
      child.on("close", (code) => {
        if (timer) clearTimeout(timer);
        const failed = conversation?.failure();
        if (failed) return reject(failed);
        // Streamed readers (collect) get their lines at the end: enough for a test's small logs.
        if (options.onStdoutLine) {
          const lines = Buffer.concat(stdout).toString("utf8").split("\n");
          lines.slice(0, -1).forEach((line) => options.onStdoutLine!(line));
        }
        resolve({
          stdout: Buffer.concat(stdout).toString("utf8"),
          stderr: Buffer.concat(stderr).toString("utf8"),
          code,
        });
      });
    });
  }

  close(): void {}

  /** Kill every process left in the namespace (watchdogs), then remove it and its files. */
  destroy(): void {
    live.delete(this);
    destroyNamespace(this.netns, [this.dir]);
  }
}
