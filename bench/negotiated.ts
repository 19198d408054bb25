// Which algorithms nfdebug's SSH library (ssh2) negotiates with the test hosts, so that the OpenSSH
// floor can be held to the same key exchange, host key and cipher; and a check that it is.
import { readFileSync } from "node:fs";
import { spawnSync } from "node:child_process";
import ssh2 from "ssh2";
import { hostKeyAlgorithmsPreferring } from "../src/transport/hostKeys/hostKeyAlgorithms.js";
import type { FleetHost } from "../test/fleet/netns/types.js";

const { Client } = ssh2;

export interface Algorithms {
  kex: string;
  hostKey: string;
  cipher: string;
}

/** One ssh2 connection with the options the transport passes (ssh2 defaults + host key order). */
export function ssh2Algorithms(host: FleetHost, identityFile: string): Promise<Algorithms> {
  const expectedKey = host.hostKey.split(" ")[1];
  return new Promise((resolve, reject) => {
    const client = new Client();
    let negotiated: Algorithms | undefined;
    client.on("handshake", (n) => {
      negotiated = { kex: n.kex, hostKey: n.serverHostKey, cipher: n.cs.cipher };
    });
    client.on("ready", () => {
      client.end();
      if (negotiated) resolve(negotiated);
      else reject(new Error("ssh2 reported no handshake"));
    });
    client.on("error", reject);
    client.connect({
      host: host.address,
      port: host.port,
      username: host.user,
      privateKey: readFileSync(identityFile),
      algorithms: { serverHostKey: hostKeyAlgorithmsPreferring(["ssh-ed25519"]) as never },
      hostVerifier: (key: Buffer) => key.toString("base64") === expectedKey,
    });
  });
}

/** What OpenSSH's client negotiates with the given argv (an ssh command line without the command). */
export function opensshAlgorithms(sshArgv: string[]): Algorithms {
  const run = spawnSync(sshArgv[0], ["-v", ...sshArgv.slice(1), "true"], {
    encoding: "utf8",
    timeout: 30_000,
  });
  const log = run.stderr ?? "";
  const pick = (re: RegExp): string => re.exec(log)?.[1] ?? "?";
  if (run.status !== 0)
    throw new Error(`ssh probe failed (exit ${run.status}): ${log.trim().split("\n").slice(-3).join(" ")}`);
  return {
    kex: pick(/kex: algorithm: (\S+)/),
    hostKey: pick(/kex: host key algorithm: (\S+)/),
    cipher: pick(/kex: client->server cipher: (\S+)/),
  };
}

/** curve25519-sha256 and its older @libssh.org name are the same algorithm. */
export function sameAlgorithms(a: Algorithms, b: Algorithms): boolean {
  const kex = (k: string) => k.replace("@libssh.org", "");
  return kex(a.kex) === kex(b.kex) && a.hostKey === b.hostKey && a.cipher === b.cipher;
}
