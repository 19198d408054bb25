// Namespaces and containers on one machine share one kernel log: every host there sees every
// line. A collect keeps each line once per kernel (the first host to deliver it gets it).
//
// Memory stays bounded by the number of hosts, not lines: each host reads its range of the log in
// order, so for logs whose positions are ordered (kmsg sequence numbers; journald entry numbers
// within one journal) it is enough to remember, per host, the first and last position it
// delivered: a line inside another host's range was delivered by that host already. Other
// positions (dmesg timestamps) fall back to remembering each one.
import type { LogRecord } from "../logs/record.js";

export interface CollectSink {
  /**
   * `kernel` identifies the kernel log the line came from ("<boot id>/<source>") when the source
   * is kernel-wide: hosts that are namespaces or containers of one machine share it.
   * Returns false when the record was dropped (a line another host already delivered).
   */
  record(record: LogRecord, raw: string, kernel?: string): boolean | void;
  /**
   * Whole records of one of a host's captures (kind capture), in order: `stem` names it ("capture"
   * for the NFLOG capture, "flow-NAME" for a flow), `header` is the pcap file's header, for a sink
   * that starts the file; `records` follow the bytes given before.
   */
  capture?(host: string, stem: string, header: Uint8Array, records: Uint8Array): void;
}

export function sharedKernelNote(duplicates: number): string {
  return `some hosts share one kernel log (namespaces or containers of one machine): ${duplicates} line(s) seen by more than one of them were counted once, for the first host that delivered them`;
}

const CURSOR = /(?:^|;)s=([0-9a-f]+);i=([0-9a-f]{1,12})(?:;|$)/;

/** The ordered log a position belongs to and its place there; null when positions are not ordered. */
export function ordinal(kernel: string, pos: string): { log: string; n: number } | null {
  if (kernel.endsWith("/kmsg") && /^\d{1,15}$/.test(pos)) return { log: kernel, n: Number(pos) };
  if (kernel.endsWith("/journald")) {
    // A cursor "s=<journal seqnum id>;i=<entry seqnum, hex>;b=…": numbered within its journal.
    const m = CURSOR.exec(pos);
    if (m) return { log: `${kernel}/${m[1]}`, n: parseInt(m[2], 16) };
  }
  return null;
}

const isHex = (c: number): boolean => (c >= 48 && c <= 57) || (c >= 97 && c <= 102);

/**
 * ordinal() for a run of journald cursors, which come many at a time from one journal: their
 * "s=<id>;i=" part is compared with the last one's instead of being matched and its log named
 * again for every line. Cursors of another form go to ordinal().
 */
export function journalOrdinals(): (kernel: string, pos: string) => { log: string; n: number } | null {
  let lastKernel = "";
  let lastPrefix = "";
  let lastLog = "";
  return (kernel, pos) => {
    let at = lastPrefix.length;
    if (at === 0 || kernel !== lastKernel || !pos.startsWith(lastPrefix)) {
      // "s=" hex+ ";i=", checked as CURSOR checks it at the start of the cursor.
      if (!(kernel.endsWith("/journald") && pos.startsWith("s="))) return ordinal(kernel, pos);
      let k = 2;
      while (k < pos.length && isHex(pos.charCodeAt(k))) k++;
      if (k === 2 || !pos.startsWith(";i=", k)) return ordinal(kernel, pos);
      at = k + 3;
      lastKernel = kernel;
      lastPrefix = pos.slice(0, at);
      lastLog = `${kernel}/${pos.slice(2, k)}`;
    }
    let n = 0;
    let k = at;
    for (; k < pos.length && k - at < 13; k++) {
      const c = pos.charCodeAt(k);
      if (!isHex(c)) break;
      n = n * 16 + (c <= 57 ? c - 48 : c - 87);
    }
    if (k === at || k - at > 12 || (k < pos.length && pos.charCodeAt(k) !== 59)) return ordinal(kernel, pos);
    return { log: lastLog, n };
  };
}

export function sharedKernelFilter(sink: CollectSink): CollectSink & { duplicates: number } {
  /** log → host → [first, last] position it delivered. */
  const ranges = new Map<string, Map<string, [number, number]>>();
  const seen = new Set<string>();
  const ordinalOf = journalOrdinals();
  const isDuplicate = (record: LogRecord, kernel: string, pos: string): boolean => {
    const o = ordinalOf(kernel, pos);
    if (!o) {
      const key = `${kernel}:${pos}`;
      if (seen.has(key)) return true;
      seen.add(key);
      return false;
    }
    let hosts = ranges.get(o.log);
    if (!hosts) ranges.set(o.log, (hosts = new Map()));
    let duplicate = false;
    for (const [host, [first, last]] of hosts)
      if (host !== record.host && first <= o.n && o.n <= last) duplicate = true;
    const mine = hosts.get(record.host);
    if (mine) mine[1] = o.n;
    else hosts.set(record.host, [o.n, o.n]);
    return duplicate;
  };
  const filter = {
    duplicates: 0,
    record(record: LogRecord, raw: string, kernel?: string) {
      if (kernel && record.log_pos !== undefined && isDuplicate(record, kernel, record.log_pos)) {
        filter.duplicates++;
        return false;
      }
      return sink.record(record, raw, kernel);
    },
    // A capture is per host (its network namespace's NFLOG group): never shared.
    capture: sink.capture?.bind(sink),
  };
  return filter;
}
