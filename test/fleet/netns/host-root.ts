// What one namespace host is made of on disk, and the shell that enters it.
//
// A host = a network namespace + (per session) a mount and UTS namespace in which the host's own
// directories are bind-mounted over /run, /var/lib, /root (a clean home: root's real ~/.bashrc runs
// pyenv and costs seconds per session) and /etc/hosts (sudo resolves the hostname).
import { chmod, chown, mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { shQuote } from "../../../src/shell/quote.js";

/** What is needed to enter a host. */
export interface HostPlace {
  name: string;
  netns: string;
  /** Absolute. */
  dir: string;
  /** The host has non-root users: mount its users/ directory over /home. */
  mountsHome: boolean;
}

export interface HostRootSpec extends HostPlace {
  hostKeyFile: string;
  /** Public key lines allowed to log in as root. */
  rootAuthorizedKeys: string;
  /** Non-root login users living in this host's /home: name, uid, gid, authorized key. */
  users: { name: string; uid: number; gid: number; authorizedKeys: string }[];
}

export function hostPaths(dir: string) {
  return {
    sshdConfig: join(dir, "sshd_config"),
    serveScript: join(dir, "serve.sh"),
    sshdLog: join(dir, "sshd.log"),
    listenerLog: join(dir, "socat.log"),
    etcHosts: join(dir, "etc-hosts"),
    run: join(dir, "run"),
    varLib: join(dir, "var-lib"),
    home: join(dir, "home"),
    users: join(dir, "users"),
    knownHosts: join(dir, "known_hosts"),
  };
}

export function listenerFiles(dir: string): { serveScript: string; logFile: string } {
  const p = hostPaths(dir);
  return { serveScript: p.serveScript, logFile: p.listenerLog };
}

/** Shell run inside `unshare --mount --uts` to turn a fresh process into this host. */
export function enterHostScript(host: HostPlace): string {
  const p = hostPaths(host.dir);
  const binds: [string, string][] = [
    [p.varLib, "/var/lib"],
    [p.run, "/run"],
    [p.home, "/root"],
    [p.etcHosts, "/etc/hosts"],
  ];
  if (host.mountsHome) binds.push([p.users, "/home"]);
  return [
    `hostname ${shQuote(host.name)}`,
    ...binds.map(([from, to]) => `mount --bind ${shQuote(from)} ${to}`),
  ].join(" && ");
}

/** argv that runs `argv` inside the host: its netns, hostname and private directories. */
export function enterHostArgv(host: HostPlace, argv: string[]): string[] {
  const script = `${enterHostScript(host)} && exec "$@"`;
  return [
    "ip",
    "netns",
    "exec",
    host.netns,
    "unshare",
    "--mount",
    "--uts",
    "sh",
    "-c",
    script,
    "sh",
    ...argv,
  ];
}

/** socat EXEC does not parse shell quoting, so each connection runs this script. */
export function serveScript(host: HostPlace): string {
  const p = hostPaths(host.dir);
  const sshd = `exec /usr/sbin/sshd -i -f ${shQuote(p.sshdConfig)} -E ${shQuote(p.sshdLog)}`;
  const inner = `${enterHostScript(host)} && ${sshd}`;
  return [
    "#!/bin/sh",
    `# nfdebug namespace test host ${host.name}: one inetd-mode sshd per connection.`,
    `exec ip netns exec ${shQuote(host.netns)} unshare --mount --uts sh -c ${shQuote(inner)}`,
    "",
  ].join("\n");
}

export function sshdConfig(host: HostRootSpec): string {
  const allowed = ["root", ...host.users.map((u) => u.name)].join(" ");
  return [
    `# nfdebug namespace test host ${host.name}`,
    `HostKey ${host.hostKeyFile}`,
    // Relative to the home, which is this host's own directory (StrictModes stops at the home).
    "AuthorizedKeysFile .ssh/authorized_keys",
    `AllowUsers ${allowed}`,
    "PermitRootLogin prohibit-password",
    "PubkeyAuthentication yes",
    "PasswordAuthentication no",
    "KbdInteractiveAuthentication no",
    "UsePAM no",
    "UseDNS no",
    "PrintMotd no",
    "PrintLastLog no",
    "LogLevel ERROR",
    "PidFile none",
    "Subsystem sftp internal-sftp",
    "",
  ].join("\n");
}

function etcHosts(name: string): string {
  return `127.0.0.1\tlocalhost\n127.0.1.1\t${name}\n::1\tlocalhost ip6-localhost ip6-loopback\n`;
}

/** Create the host's directories and files (the host key itself is written by the caller). */
export async function writeHostRoot(host: HostRootSpec): Promise<void> {
  const p = hostPaths(host.dir);
  await mkdir(join(p.run, "sshd"), { recursive: true, mode: 0o755 });
  await mkdir(p.varLib, { mode: 0o755 });
  await mkdir(join(p.home, ".ssh"), { recursive: true, mode: 0o700 });
  // mkdir's mode is filtered by the umask; sshd's StrictModes and privsep checks need exact modes.
  await Promise.all([chmod(p.run, 0o755), chmod(join(p.run, "sshd"), 0o755), chmod(p.home, 0o700)]);
  await writeFile(join(p.home, ".ssh", "authorized_keys"), host.rootAuthorizedKeys, { mode: 0o600 });
  await writeFile(p.etcHosts, etcHosts(host.name), { mode: 0o644 });
  await writeFile(p.sshdConfig, sshdConfig(host), { mode: 0o644 });
  await writeFile(p.serveScript, serveScript(host), { mode: 0o755 });
  if (host.users.length > 0) {
    await mkdir(p.users, { mode: 0o755 });
    for (const user of host.users) {
      const home = join(p.users, user.name);
      await mkdir(join(home, ".ssh"), { recursive: true, mode: 0o700 });
      await writeFile(join(home, ".ssh", "authorized_keys"), user.authorizedKeys, { mode: 0o600 });
      for (const path of [home, join(home, ".ssh"), join(home, ".ssh", "authorized_keys")]) {
        await chown(path, user.uid, user.gid);
      }
    }
  }
}
