// Streams collected records to disk: records.jsonl (all hosts), records/<host>.jsonl and
// raw/<host>.log, without holding records in memory.
import { createWriteStream, mkdirSync, type WriteStream } from "node:fs";
import { join } from "node:path";
import type { LogRecord } from "../logs/record.js";

/** Host names are validated by the inventory; keep file names safe anyway. */
const fileName = (host: string) => host.replace(/[^A-Za-z0-9_.-]/g, "_");

export class RecordFiles {
  private readonly merged: WriteStream;
  private readonly perHost = new Map<string, { records: WriteStream; raw: WriteStream }>();

  constructor(private readonly dir: string) {
    mkdirSync(join(dir, "records"), { recursive: true });
    mkdirSync(join(dir, "raw"), { recursive: true });
    this.merged = createWriteStream(join(dir, "records.jsonl"), { flags: "a" });
  }

  write(record: LogRecord, raw: string): void {
    let files = this.perHost.get(record.host);
    if (!files) {
      const name = fileName(record.host);
      files = {
        records: createWriteStream(join(this.dir, "records", `${name}.jsonl`), { flags: "a" }),
        raw: createWriteStream(join(this.dir, "raw", `${name}.log`), { flags: "a" }),
      };
      this.perHost.set(record.host, files);
    }
    const line = `${JSON.stringify(record)}\n`;
    this.merged.write(line);
    files.records.write(line);
    files.raw.write(`${raw}\n`);
  }

  async close(): Promise<void> {
    const streams = [this.merged, ...[...this.perHost.values()].flatMap((f) => [f.records, f.raw])];
    await Promise.all(streams.map((s) => new Promise<void>((resolve, reject) => s.end((err?: Error | null) => (err ? reject(err) : resolve())))));
  }
}
