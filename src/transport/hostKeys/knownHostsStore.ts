// The known_hosts files nfdebug consults: the user's file (read and, under accept-new, appended
// to) and the system-wide files (read only). Loaded once per process and shared by all hosts.
import { mkdir, open, readFile } from "node:fs/promises";
import { dirname } from "node:path";
import { keyTypeOfBlob } from "./fingerprint.js";
import { parseKnownHosts, type KnownHostsEntry } from "./knownHostsFile.js";
import { KnownHostsIndex } from "./knownHostsIndex.js";
import { knownHostsName, knownKeyTypes, lookupHostKey, type HostKeyStatus } from "./knownHostsLookup.js";

export interface KnownHostsStoreOptions {
  /** The user's known_hosts (`--known-hosts`); new keys are recorded here. */
  userFile: string;
  /** Read-only system files; missing ones are skipped. */
  globalFiles: string[];
  /** Told once about each line that was ignored (including @cert-authority lines). */
  warn?: (message: string) => void;
}

export class KnownHostsStore {
  readonly userFile: string;
  private readonly options: KnownHostsStoreOptions;
  private loaded: Promise<KnownHostsEntry[]> | undefined;
  /** Built on first use; dropped when an entry is recorded. */
  private index: KnownHostsIndex | undefined;
  // Serialises appends from concurrent connections in this process.
  private appendQueue: Promise<unknown> = Promise.resolve();

  constructor(options: KnownHostsStoreOptions) {
    this.options = options;
    this.userFile = options.userFile;
  }

  /** Every file consulted, for messages. */
  describeFiles(): string {
    return [this.options.userFile, ...this.options.globalFiles].join(", ");
  }

  async lookup(address: string, port: number, keyBlob: Buffer): Promise<HostKeyStatus> {
    const name = knownHostsName(address, port);
    return lookupHostKey(await this.candidates(name), name, keyBlob);
  }

  async keyTypesFor(address: string, port: number): Promise<string[]> {
    const name = knownHostsName(address, port);
    return knownKeyTypes(await this.candidates(name), name);
  }

  /** The entries that can concern `name` (found through the index), in file order. */
  private async candidates(name: string): Promise<KnownHostsEntry[]> {
    const entries = await this.entries();
    this.index ??= new KnownHostsIndex(entries);
    return this.index.matching(name);
  }

  /**
   * Record a newly accepted key as `host type base64` (`[host]:port` off port 22).
   * One O_APPEND write of one whole line: concurrent appenders (another ssh, another nfdebug)
   * cannot interleave with it or lose it, which a rewrite-and-rename could.
   */
  record(address: string, port: number, keyBlob: Buffer): Promise<void> {
    const run = async (): Promise<void> => {
      const name = knownHostsName(address, port);
      const entries = await this.entries();
      const status = lookupHostKey(await this.candidates(name), name, keyBlob);
      if (status.status === "known") return; // another connection recorded it meanwhile
      if (status.status !== "unknown") throw new Error(`refusing to record a key that is ${status.status}`);
      const keyType = keyTypeOfBlob(keyBlob);
      const line = `${name} ${keyType} ${keyBlob.toString("base64")}\n`;
      await mkdir(dirname(this.userFile), { recursive: true, mode: 0o700 });
      const handle = await open(this.userFile, "a+", 0o600);
      let lineNo: number;
      try {
        const before = await handle.readFile();
        const prefix = before.length > 0 && before[before.length - 1] !== 0x0a ? "\n" : "";
        await handle.write(prefix + line);
        lineNo = before.toString("latin1").split("\n").length + (prefix ? 1 : 0);
      } finally {
        await handle.close();
      }
      entries.push({
        file: this.userFile,
        line: lineNo,
        marker: null,
        hosts: { kind: "patterns", patterns: name },
        keyType,
        keyBlob,
      });
      this.index = undefined;
    };
    const next = this.appendQueue.then(run, run);
    this.appendQueue = next.catch(() => undefined);
    return next;
  }

  private entries(): Promise<KnownHostsEntry[]> {
    this.loaded ??= this.load();
    return this.loaded;
  }

  private async load(): Promise<KnownHostsEntry[]> {
    const all: KnownHostsEntry[] = [];
    for (const file of [this.options.userFile, ...this.options.globalFiles]) {
      let text: string;
      try {
        text = await readFile(file, "utf8");
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === "ENOENT") continue;
        throw err;
      }
      const parsed = parseKnownHosts(text, file);
      for (const note of parsed.notes) this.options.warn?.(note);
      all.push(...parsed.entries);
    }
    return all;
  }
}
