// known_hosts files read once per process and shared by every store that lists them: hosts
// whose ssh_config names other UserKnownHostsFile/GlobalKnownHostsFile sets still see one copy
// of each file, so a key recorded through one store is seen by all (no stale "unknown").
import { readFile } from "node:fs/promises";
import { parseKnownHosts, type KnownHostsEntry } from "./knownHostsFile.js";

export class KnownHostsFiles {
  private readonly loaded = new Map<string, Promise<KnownHostsEntry[]>>();
  /** Bumped on every recorded entry, so indexes built before it are rebuilt. */
  version = 0;

  constructor(private readonly warn?: (message: string) => void) {}

  /** The entries of one file, [] when it does not exist; the same array on every call. */
  entries(file: string): Promise<KnownHostsEntry[]> {
    let entries = this.loaded.get(file);
    if (!entries) {
      entries = this.load(file);
      this.loaded.set(file, entries);
    }
    return entries;
  }

  async added(entry: KnownHostsEntry): Promise<void> {
    (await this.entries(entry.file)).push(entry);
    this.version++;
  }

  private async load(file: string): Promise<KnownHostsEntry[]> {
    let text: string;
    try {
      text = await readFile(file, "utf8");
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ENOENT") return [];
      throw err;
    }
    const parsed = parseKnownHosts(text, file);
    for (const note of parsed.notes) this.warn?.(note);
    return parsed.entries;
  }
}
