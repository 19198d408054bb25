// Jump-host sessions shared by every target behind them: 100 hosts behind one bastion use one
// bastion connection (one handshake, no MaxStartups drops), closed when the last one leaves.
import type { Client } from "ssh2";

interface Shared {
  client: Promise<Client>;
  refs: number;
}

export interface HopLease {
  client: Client;
  release: () => void;
}

export class HopPool {
  private readonly shared = new Map<string, Shared>();

  async acquire(key: string, open: () => Promise<Client>): Promise<HopLease> {
    let entry = this.shared.get(key);
    if (!entry) {
      const created: Shared = { client: open(), refs: 0 };
      entry = created;
      this.shared.set(key, created);
      created.client.then(
        (client) => client.on("close", () => this.forget(key, created)),
        () => this.forget(key, created), // the next host tries again
      );
    }
    entry.refs++;
    let client: Client;
    try {
      client = await entry.client;
    } catch (err) {
      entry.refs--;
      throw err;
    }
    const held = entry;
    let released = false;
    return {
      client,
      release: () => {
        if (released) return;
        released = true;
        if (--held.refs === 0) {
          this.forget(key, held);
          client.end();
        }
      },
    };
  }

  private forget(key: string, entry: Shared): void {
    if (this.shared.get(key) === entry) this.shared.delete(key);
  }
}
