// A local `ssh` process seen as the script stream of scriptChannel.ts: its stdout, stderr, exit
// status and close, with stdin for the script. Killing it ends the session it runs on the master.
import { spawn, type ChildProcess } from "node:child_process";
import { EventEmitter } from "node:events";
import type { ScriptExec, ScriptStream } from "../scriptChannel.js";

class SshProcessStream extends EventEmitter implements ScriptStream {
  readonly stderr: NonNullable<ChildProcess["stderr"]>;

  constructor(private readonly child: ChildProcess) {
    super();
    this.stderr = child.stderr!;
    child.stdout!.on("data", (chunk: Buffer) => this.emit("data", chunk));
    child.stdin!.on("error", () => undefined); // EPIPE once ssh is gone: reported through exit
    child.on("error", (err) => this.emit("error", err));
    child.on("exit", (code, signal) => this.emit("exit", code, signal ?? undefined));
    child.on("close", () => this.emit("close"));
  }

  write(text: string): boolean {
    return this.child.stdin!.write(text);
  }

  end(text?: string): void {
    this.child.stdin!.end(text);
  }

  signal(): void {
    this.child.kill("SIGKILL");
  }

  close(): void {
    this.child.kill("SIGKILL");
  }
}

/** Runs each command as `ssh ARGS... COMMAND`, the arguments naming the host and its master. */
export function sshProcessExec(args: () => string[]): ScriptExec {
  return {
    exec(command, callback) {
      const child = spawn("ssh", [...args(), command], { stdio: ["pipe", "pipe", "pipe"] });
      callback(undefined, new SshProcessStream(child));
    },
  };
}
