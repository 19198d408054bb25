// The run's private directory of ControlMaster sockets: 0700, short paths (a unix socket path
// holds ~104 bytes, and ssh adds a 17-character suffix while it creates one), removed at the end.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** Longest directory path kept; a longer $TMPDIR gives way to /tmp. */
const MAX_DIRECTORY_LENGTH = 60;

export class ControlDirectory {
  private dir: string | undefined;
  private sockets = 0;
  /** Masters not yet told to exit: their -O exit arguments, by socket. */
  private readonly open = new Map<string, string[]>();
  private readonly onExit = (): void => this.removeNow();

  /** A new socket path; the directory is made on first use. */
  socketPath(): string {
    if (this.dir === undefined) {
      const base = tmpdir().length <= MAX_DIRECTORY_LENGTH ? tmpdir() : "/tmp";
      this.dir = mkdtempSync(join(base, "nfdebug-ssh-")); // mkdtemp makes it 0700
      process.on("exit", this.onExit);
    }
    return join(this.dir, String(++this.sockets));
  }

  /** The master on `socket` is (or may be) running; `exitArgs` stop it (`ssh -O exit ...`). */
  opened(socket: string, exitArgs: string[]): void {
    this.open.set(socket, exitArgs);
  }

  /** The master was asked to exit (or never started). */
  closed(socket: string): void {
    this.open.delete(socket);
  }

  /** No master open or starting. */
  get idle(): boolean {
    return this.open.size === 0;
  }

  /** Stops masters still open and removes the directory; at process exit, so synchronous. */
  removeNow(): void {
    for (const args of this.open.values()) spawnSync("ssh", args, { stdio: "ignore", timeout: 5_000 });
    this.open.clear();
    if (this.dir !== undefined) rmSync(this.dir, { recursive: true, force: true });
    this.dir = undefined;
    process.removeListener("exit", this.onExit);
  }
}
