// A syslog socket at /dev/log for tests of what host scripts write with logger(1). This machine
// runs no journald or syslog daemon (no /dev/log), and its network namespace hosts share its
// file system, so a datagram socket bound there is what their logger reaches. Node has no Unix
// datagram sockets: a small python3 process binds it and prints each message as a JSON string.
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, rmSync } from "node:fs";
import { createInterface } from "node:readline";

const LISTENER = `
import json, socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
print("ready", flush=True)
while True:
    print(json.dumps(s.recv(65536).decode("utf-8", "replace")), flush=True)
`;

export const DEV_LOG = "/dev/log";

export class SyslogSocket {
  readonly messages: string[] = [];

  private constructor(private readonly child: ChildProcess) {}

  /** Binds /dev/log; null when it exists already (a real syslog: not ours to replace). */
  static async start(): Promise<SyslogSocket | null> {
    if (existsSync(DEV_LOG)) return null;
    const child = spawn("python3", ["-c", LISTENER, DEV_LOG], { stdio: ["ignore", "pipe", "inherit"] });
    const socket = new SyslogSocket(child);
    const lines = createInterface({ input: child.stdout! });
    await new Promise<void>((resolve, reject) => {
      child.once("exit", (code) => reject(new Error(`the syslog listener exited (${code})`)));
      lines.on("line", (line) => {
        if (line === "ready") resolve();
        else socket.messages.push(JSON.parse(line) as string);
      });
    });
    return socket;
  }

  /** The messages of tag TAG (RFC 3164 "TAG[PID]: TEXT" or "TAG: TEXT"), their text only. */
  tagged(tag: string): string[] {
    const re = new RegExp(`^<\\d+>.*? ${tag}(?:\\[\\d+\\])?: (.*)$`, "s");
    return this.messages.flatMap((m) => re.exec(m)?.[1] ?? []);
  }

  stop(): void {
    this.child.kill("SIGTERM");
    rmSync(DEV_LOG, { force: true });
  }
}

const DEAD = `
import socket, sys, time
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
c = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
c.setblocking(False)
c.connect(sys.argv[1])
try:
    while True:
        c.send(b"<13>filler: x")
except BlockingIOError:
    pass
print("ready", flush=True)
time.sleep(86400)
`;

/**
 * A syslog socket at PATH that never reads and whose queue is full, as under a syslog daemon
 * that hangs: a send to it blocks (seen: util-linux 2.38's logger waits forever). Kill the
 * returned process when done.
 */
export async function deadSyslogSocket(path: string): Promise<ChildProcess> {
  const child = spawn("python3", ["-c", DEAD, path], { stdio: ["ignore", "pipe", "inherit"] });
  const lines = createInterface({ input: child.stdout! });
  await new Promise<void>((resolve, reject) => {
    child.once("exit", (code) => reject(new Error(`the dead syslog socket's process exited (${code})`)));
    lines.once("line", () => resolve());
  });
  return child;
}
