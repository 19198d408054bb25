// Decrypts encrypted identity files on demand, once per file per process: with 100 hosts
// behind one key the user is asked once, and prompts from parallel hosts never interleave.
import type { ParsedKey } from "ssh2";
import { decryptIdentity } from "./identityFile.js";
import type { PassphrasePrompt } from "./passphrasePrompt.js";

export type Unlocked = { ok: true; key: ParsedKey } | { ok: false; reason: string };

const ATTEMPTS = 3;

export class KeyUnlocker {
  private readonly prompt: PassphrasePrompt;
  private readonly results = new Map<string, Promise<Unlocked>>();
  private queue: Promise<unknown> = Promise.resolve();
  /** True while a prompt waits for the user; connect timers do not count that time. */
  prompting = false;

  constructor(prompt: PassphrasePrompt) {
    this.prompt = prompt;
  }

  unlock(file: string, data: Buffer): Promise<Unlocked> {
    let result = this.results.get(file);
    if (!result) {
      const run = (): Promise<Unlocked> => this.ask(file, data);
      result = this.queue.then(run, run);
      this.queue = result.catch(() => undefined);
      this.results.set(file, result);
    }
    return result;
  }

  private async ask(file: string, data: Buffer): Promise<Unlocked> {
    this.prompting = true;
    try {
      for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
        const answer = await this.prompt(`Enter passphrase for key '${file}': `);
        if (answer.kind === "no-tty") {
          return {
            ok: false,
            reason: "is encrypted and there is no terminal to ask for its passphrase (add it to ssh-agent)",
          };
        }
        if (answer.kind === "cancelled")
          return { ok: false, reason: "is encrypted and the passphrase prompt was cancelled" };
        const key = decryptIdentity(data, answer.passphrase);
        answer.passphrase.fill(0);
        if (!(key instanceof Error)) return { ok: true, key };
      }
      return { ok: false, reason: `is encrypted and ${ATTEMPTS} passphrases were wrong` };
    } finally {
      this.prompting = false;
    }
  }
}
