// The known_hosts files one host is checked against: the user's files (the first one records
// new keys under accept-new) and the system-wide files (read only). Files are shared between
// stores through KnownHostsFiles; each is read once per process.
import { mkdir, open } from "node:fs/promises";
import { dirname } from "node:path";
import { keyTypeOfBlob } from "./fingerprint.js";
import type { KnownHostsEntry } from "./knownHostsFile.js";
import { KnownHostsFiles } from "./knownHostsFiles.js";
import { KnownHostsIndex } from "./knownHostsIndex.js";
import { knownKeyTypes, lookupHostKey, type HostKeyStatus } from "./knownHostsLookup.js";

export interface KnownHostsStoreOptions {
  /** The user's known_hosts files (`--known-hosts`, or ssh_config UserKnownHostsFile). */
  userFiles: string[];
  /** Read-only system files; missing ones are skipped. */
  globalFiles: string[];
  /** Shared with other stores; default a cache of this store's own. */
  files?: KnownHostsFiles;
  /** Told about each line that was ignored (including @cert-authority lines). */
  warn?: (message: string) => void;
}

// Serialises appends from concurrent connections in this process, per file.
const appendQueues = new Map<string, Promise<unknown>>();

export class KnownHostsStore {
  private readonly options: KnownHostsStoreOptions;
  private readonly files: KnownHostsFiles;
  /** Built on first use; rebuilt when an entry was recorded since (files.version). */
  private index: { version: number; index: KnownHostsIndex } | undefined;

  constructor(options: KnownHostsStoreOptions) {
    this.options = options;
    this.files = options.files ?? new KnownHostsFiles(options.warn);
  }

  /** Where accept-new records keys: the first user file (as ssh does); undefined for none. */
  get recordFile(): string | undefined {
    return this.options.userFiles[0];
  }

  /** Every file consulted, for messages. */
  describeFiles(): string {
    const files = [...this.options.userFiles, ...this.options.globalFiles];
    return files.length > 0 ? files.join(", ") : "any known_hosts file (none is configured)";
  }

  /** `name` as knownHostsName() makes it, or a HostKeyAlias. */
  async lookup(name: string, keyBlob: Buffer): Promise<HostKeyStatus> {
    return lookupHostKey(await this.candidates(name), name, keyBlob);
  }

  async keyTypesFor(name: string): Promise<string[]> {
    return knownKeyTypes(await this.candidates(name), name);
  }

  /** The entries that can concern `name` (found through the index), in file order. */
  private async candidates(name: string): Promise<KnownHostsEntry[]> {
    const version = this.files.version;
    const entries = await this.entries();
    if (this.index?.version !== version) this.index = { version, index: new KnownHostsIndex(entries) };
    return this.index.index.matching(name);
  }

  /**
   * Record a newly accepted key as `name type base64` in the first user file.
   * One O_APPEND write of one whole line: concurrent appenders (another ssh, another nfdebug)
   * cannot interleave with it or lose it, which a rewrite-and-rename could.
   */
  record(name: string, keyBlob: Buffer): Promise<void> {
    const file = this.recordFile;
    if (file === undefined) return Promise.reject(new Error("no known_hosts file to record the key in"));
    const run = async (): Promise<void> => {
      const status = lookupHostKey(await this.candidates(name), name, keyBlob);
      if (status.status === "known") return; // another connection recorded it meanwhile
      if (status.status !== "unknown") throw new Error(`refusing to record a key that is ${status.status}`);
      const keyType = keyTypeOfBlob(keyBlob);
      const line = `${name} ${keyType} ${keyBlob.toString("base64")}\n`;
      await mkdir(dirname(file), { recursive: true, mode: 0o700 });
      const handle = await open(file, "a+", 0o600);
      let lineNo: number;
      try {
        const before = await handle.readFile();
        const prefix = before.length > 0 && before[before.length - 1] !== 0x0a ? "\n" : "";
        await handle.write(prefix + line);
        lineNo = before.toString("latin1").split("\n").length + (prefix ? 1 : 0);
      } finally {
        await handle.close();
      }
      const hosts = { kind: "patterns" as const, patterns: name };
      await this.files.added({ file, line: lineNo, marker: null, hosts, keyType, keyBlob });
    };
    const next = (appendQueues.get(file) ?? Promise.resolve()).then(run, run);
    appendQueues.set(
      file,
      next.catch(() => undefined),
    );
    return next;
  }

  private async entries(): Promise<KnownHostsEntry[]> {
    const files = [...this.options.userFiles, ...this.options.globalFiles];
    const all = await Promise.all(files.map((f) => this.files.entries(f)));
    return all.flat();
  }
}
