// An ssh-agent client that offers only some of the agent's keys (IdentitiesOnly semantics).
import ssh2 from "ssh2";
import type { ParsedKey } from "ssh2";

const { OpenSSHAgent } = ssh2;

export class FilteredAgent extends OpenSSHAgent {
  private readonly allowed: Buffer[] | undefined;

  /** `allowed`: public key blobs that may be offered; undefined offers all of them. */
  constructor(socketPath: string, allowed: Buffer[] | undefined) {
    super(socketPath);
    this.allowed = allowed;
  }

  override getIdentities(cb: (err: Error | undefined, keys?: ParsedKey[]) => void): void {
    super.getIdentities((err, listed) => {
      if (err || !listed) return cb(err ?? new Error("no identities"));
      const keys = listed as ParsedKey[]; // OpenSSHAgent always lists parsed keys
      const allowed = this.allowed;
      cb(undefined, allowed ? keys.filter((k) => allowed.some((b) => b.equals(k.getPublicSSH()))) : keys);
    });
  }

  /** The keys this agent will offer (empty when the agent cannot be reached). */
  listKeys(): Promise<{ keys: ParsedKey[]; error?: string }> {
    return new Promise((resolve) => {
      this.getIdentities((err, keys) => {
        if (err) resolve({ keys: [], error: "cannot reach the agent in SSH_AUTH_SOCK" });
        else resolve({ keys: keys ?? [] });
      });
    });
  }
}
