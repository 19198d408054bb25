// A real OpenSSH server on a loopback address (or inside a network namespace the test made),
// with its own host key, authorized_keys and config in a temp directory.
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { killTree, onCleanup } from "./cleanup.js";
import { makeKey, type KeyPair } from "./keys.js";

export interface TestSshd {
  address: string;
  port: number;
  hostKey: KeyPair;
  /** The listening sshd (its per-connection processes are its descendants). */
  pid: number;
  /** The server's log (sshd -e), for assertions and failure messages. */
  log(): string;
  stop(): void;
}

export interface SshdOptions {
  dir: string;
  authorizedKeys: string[];
  address?: string;
  port?: number;
  netns?: string;
  hostKey?: KeyPair;
  extraConfig?: string[];
}

export async function freePort(address = "127.0.0.1"): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, address, resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export async function startSshd(options: SshdOptions): Promise<TestSshd> {
  // sshd's privilege-separation directory; the openssh-server package normally makes it at boot.
  if (!existsSync("/run/sshd")) mkdirSync("/run/sshd", { mode: 0o755 });
  const address = options.address ?? "127.0.0.1";
  const port = options.port ?? (options.netns ? 2222 : await freePort(address));
  const dir = join(options.dir, `sshd-${address}-${port}`);
  mkdirSync(dir, { recursive: true });
  const hostKey = options.hostKey ?? makeKey(dir, "host_ed25519");
  const authorized = join(dir, "authorized_keys");
  writeFileSync(authorized, options.authorizedKeys.join("\n") + "\n");
  const config = join(dir, "sshd_config");
  writeFileSync(
    config,
    [
      `HostKey ${hostKey.privateFile}`,
      `AuthorizedKeysFile ${authorized}`,
      "UsePAM no",
      "PidFile none",
      "StrictModes no", // the temp dir lives under world-writable /tmp
      "PermitRootLogin prohibit-password",
      "PasswordAuthentication no",
      "KbdInteractiveAuthentication no",
      "LogLevel VERBOSE",
      ...(options.extraConfig ?? []),
    ].join("\n") + "\n",
  );
  const argv = [
    "/usr/sbin/sshd",
    "-D",
    "-e",
    "-f",
    config,
    "-p",
    String(port),
    "-o",
    `ListenAddress=${address}`,
  ];
  const [cmd, ...args] = options.netns ? ["ip", "netns", "exec", options.netns, ...argv] : argv;
  const child = spawn(cmd!, args, { stdio: ["ignore", "ignore", "pipe"] });
  const stop = onCleanup(`sshd ${address}:${port}`, () => child.pid && killTree(child.pid));
  let log = "";
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`sshd did not start:\n${log}`)), 10_000);
    child.stderr!.on("data", (chunk: Buffer) => {
      if (log.length < 1 << 20) log += chunk.toString();
      if (log.includes("Server listening")) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.on("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`sshd exited with ${code}:\n${log}`));
    });
  });
  child.removeAllListeners("exit");
  child.unref();
  (child.stderr as unknown as { unref?: () => void }).unref?.();
  return { address, port, hostKey, pid: child.pid!, log: () => log, stop };
}

/** A known_hosts line for this server as OpenSSH writes it. */
export function knownHostsLine(sshd: TestSshd, key: KeyPair = sshd.hostKey): string {
  const name = sshd.port === 22 ? sshd.address : `[${sshd.address}]:${sshd.port}`;
  return `${name} ${key.type} ${key.blob.toString("base64")}`;
}
