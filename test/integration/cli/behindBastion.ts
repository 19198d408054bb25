// Namespace fleet hosts that only a bastion can reach. The transport harness builds the network
// (a bastion namespace B reachable from here, a target namespace T reachable only from B) and the
// bastion's sshd; here a fleet host is exposed inside T: socat on T's address runs the host's own
// serve script per connection, so the host keeps its netns, /run and journal as on 127.0.0.1.
import { spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { FleetHost } from "../../fleet/netns.js";
import { killTree, onCleanup } from "../transport/harness/cleanup.js";
import { createJumpNetwork, type JumpNetwork } from "../transport/harness/jumpNetwork.js";
import { knownHostsLine, startSshd, type TestSshd } from "../transport/harness/testSshd.js";
import { tempDir } from "../transport/harness/keys.js";
import { waitFor } from "./fleetProbe.js";

export interface Bastion {
  net: JumpNetwork;
  sshd: TestSshd;
  /** "10.253.x.2 ssh-ed25519 …": the bastion's known_hosts line. */
  knownHostsLine: string;
}

/** A bastion sshd in B that lets `publicKeyLine` log in as root (for forwarding only). */
export async function startBastion(publicKeyLine: string): Promise<Bastion> {
  const net = createJumpNetwork();
  const sshd = await startSshd({
    dir: tempDir("nfd-cli-bastion-"),
    authorizedKeys: [publicKeyLine],
    netns: net.bastionNs,
    address: net.bastionAddress,
    port: 22,
  });
  return { net, sshd, knownHostsLine: knownHostsLine(sshd) };
}

/** Serve `host` on T's address at `port`; returns its known_hosts line there. */
export async function exposeBehind(bastion: Bastion, host: FleetHost, port: number): Promise<string> {
  const address = bastion.net.targetAddress;
  const serve = join(host.dir, "serve.sh");
  if (!existsSync(serve)) throw new Error(`${serve} is missing`);
  const child = spawn(
    "ip",
    [
      "netns",
      "exec",
      bastion.net.targetNs,
      "socat",
      `TCP-LISTEN:${port},bind=${address},fork,reuseaddr`,
      `EXEC:${serve}`,
    ],
    { stdio: ["ignore", "ignore", "pipe"] },
  );
  let log = "";
  child.stderr!.on("data", (d: Buffer) => (log += d.toString()));
  onCleanup(`socat ${address}:${port}`, () => child.pid && killTree(child.pid));
  await waitFor(`socat on ${address}:${port} in ${bastion.net.targetNs}: ${log}`, () =>
    listening(child.pid!, port),
  );
  child.unref();
  const name = port === 22 ? address : `[${address}]:${port}`;
  return `${name} ${host.hostKey.split(/\s+/).slice(0, 2).join(" ")}`;
}

/** Does the namespace of `pid` listen on TCP `port`? (/proc/PID/net/tcp is that namespace's table.) */
function listening(pid: number, port: number): boolean {
  try {
    const hex = port.toString(16).toUpperCase().padStart(4, "0");
    return readFileSync(`/proc/${pid}/net/tcp`, "utf8")
      .split("\n")
      .some((line) => {
        const f = line.trim().split(/\s+/);
        return f[1]?.endsWith(`:${hex}`) && f[3] === "0A";
      });
  } catch {
    return false;
  }
}
