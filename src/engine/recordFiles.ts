// Streams collected records to disk: records.jsonl (all hosts), records/<host>.jsonl and
// raw/<host>.log, without holding records in memory; and each host's NFLOG capture as
// pcap/<host>.pcap, its flow captures as pcap/<host>.flow-NAME.pcap (the file header once, then the
// records as they come).
//
// Records arrive from synchronous line callbacks, faster than asynchronous file streams drain
// (a write stream queues without limit when write() is not awaited: 100,000 journald lines once
// cost 140 MiB of queued writes). So each file gets a small buffer flushed with a synchronous
// write: memory stays bounded, and a slow disk slows the reading down instead.
import { appendFileSync, closeSync, existsSync, mkdirSync, openSync, writeSync } from "node:fs";
import { join } from "node:path";
import type { LogRecord } from "../logs/record.js";
import { NFLOG_STEM } from "./collectCapture.js";

/** Host names are validated by the inventory; keep file names safe anyway. */
const fileName = (host: string) => host.replace(/[^A-Za-z0-9_.-]/g, "_");

const FLUSH_AT = 64 * 1024;

class BufferedFile {
  private readonly fd: number;
  private pending = "";
  private closed = false;

  constructor(path: string) {
    this.fd = openSync(path, "a");
  }

  write(text: string): void {
    this.pending += text;
    if (this.pending.length >= FLUSH_AT) this.flush();
  }

  flush(): void {
    if (this.pending) writeSync(this.fd, this.pending);
    this.pending = "";
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.flush();
    closeSync(this.fd);
  }
}

/** Where a host's capture of file stem STEM goes in a bundle. */
function pcapFile(host: string, stem: string): string {
  return join("pcap", stem === NFLOG_STEM ? `${fileName(host)}.pcap` : `${fileName(host)}.${stem}.pcap`);
}

export class RecordFiles {
  private readonly merged: BufferedFile;
  private readonly perHost = new Map<string, { records: BufferedFile; raw: BufferedFile }>();

  constructor(private readonly dir: string) {
    mkdirSync(join(dir, "records"), { recursive: true });
    mkdirSync(join(dir, "raw"), { recursive: true });
    this.merged = new BufferedFile(join(dir, "records.jsonl"));
  }

  write(record: LogRecord, raw: string): void {
    let files = this.perHost.get(record.host);
    if (!files) {
      const name = fileName(record.host);
      files = {
        records: new BufferedFile(join(this.dir, "records", `${name}.jsonl`)),
        raw: new BufferedFile(join(this.dir, "raw", `${name}.log`)),
      };
      this.perHost.set(record.host, files);
    }
    const line = `${JSON.stringify(record)}\n`;
    this.merged.write(line);
    files.records.write(line);
    // A record from an NFLOG capture has no kernel line: its packet is in pcap/HOST.pcap.
    if (raw !== "") files.raw.write(`${raw}\n`);
  }

  /**
   * A host's pcap relative to the directory, once one was written: its NFLOG capture
   * ("pcap/h001.pcap"), or a flow's (stem "flow-NAME": "pcap/h001.flow-NAME.pcap").
   */
  pcapPath(host: string, stem = NFLOG_STEM): string | undefined {
    const path = pcapFile(host, stem);
    return existsSync(join(this.dir, path)) ? path : undefined;
  }

  capture(host: string, stem: string, header: Uint8Array, records: Uint8Array): void {
    const file = join(this.dir, pcapFile(host, stem));
    if (!existsSync(file)) {
      mkdirSync(join(this.dir, "pcap"), { recursive: true });
      appendFileSync(file, header);
    }
    appendFileSync(file, records);
  }

  async close(): Promise<void> {
    for (const file of [this.merged, ...[...this.perHost.values()].flatMap((f) => [f.records, f.raw])])
      file.close();
  }
}
