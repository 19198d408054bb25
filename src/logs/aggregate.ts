// Summaries of parsed records for the collect table and the reports: per reason (count, hosts, top
// flows), per host, fleet-wide, and optionally a timeline. Records are added one at a time, so a
// collection can stream; memory grows with distinct reasons, hosts and time buckets, and the flows
// tracked per reason are capped (when the cap is exceeded the rarest are dropped, and the top
// flows become approximate — the summary says so).
import { detached } from "../detached.js";
import type { LogRecord } from "./record.js";
import { keepHighest } from "./top-counts.js";

export interface FlowCount {
  /** "src:sport → dst:dport" (IPv6 as [addr]:port, compressed); without ports "src → dst". */
  flow: string;
  count: number;
}

export interface ReasonSummary {
  reason_id: string;
  l4proto: number | null;
  /** The reason text of the first record seen (the same check may be spelled differently per kernel). */
  reason: string | null;
  count: number;
  hosts: string[];
  topFlows: FlowCount[];
  /** True when flows were dropped to respect the cap: counts of top flows may be low. */
  flowsApproximate: boolean;
  firstTime: string | null;
  lastTime: string | null;
}

export interface HostSummary {
  host: string;
  count: number;
  byReason: Record<string, number>;
}

export interface TimelineBucket {
  /** ISO start of the bucket. */
  start: string;
  byReason: Record<string, number>;
}

export interface FleetSummary {
  total: number;
  /** Records of kind "invalid" whose reason the catalogue does not know. */
  unknown: number;
  printk: number;
  reasons: ReasonSummary[];
  hosts: HostSummary[];
  firstTime: string | null;
  lastTime: string | null;
  timeline: TimelineBucket[];
}

export interface AggregateOptions {
  /** Top flows listed per reason (default 5). */
  topFlows?: number;
  /** Distinct flows tracked per reason before the rarest are dropped (default 1000). */
  maxFlows?: number;
  /** Timeline bucket width in ms; no timeline when absent. */
  bucketMs?: number;
}

/** Compress a full IPv6 address as the kernel prints it ("fd00:0231:0000:…:0001" → "fd00:231::1"). */
export function compressIPv6(address: string): string {
  const groups = address.split(":");
  if (groups.length !== 8 || address.includes("::")) return address;
  const short = groups.map((g) => g.replace(/^0+(?=.)/, "").toLowerCase());
  let bestAt = -1;
  let bestLen = 1;
  for (let i = 0; i < 8;) {
    if (short[i] !== "0") {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && short[j] === "0") j++;
    if (j - i > bestLen) [bestAt, bestLen] = [i, j - i];
    i = j;
  }
  if (bestAt < 0) return short.join(":");
  return `${short.slice(0, bestAt).join(":")}::${short.slice(bestAt + bestLen).join(":")}`;
}

function endpoint(address: string | null, port: number | null): string {
  const a = address === null ? "?" : address.includes(":") ? compressIPv6(address) : address;
  if (port === null) return a;
  return a.includes(":") ? `[${a}]:${port}` : `${a}:${port}`;
}

export function flowLabel(record: Pick<LogRecord, "src" | "sport" | "dst" | "dport">): string {
  return `${endpoint(record.src, record.sport)} → ${endpoint(record.dst, record.dport)}`;
}

class ReasonState {
  count = 0;
  readonly hosts = new Set<string>();
  readonly flows = new Map<string, number>();
  flowsApproximate = false;
  firstTime: string | null = null;
  lastTime: string | null = null;
  constructor(
    readonly reasonId: string,
    readonly l4proto: number | null,
    readonly reason: string | null,
  ) {}
}

function earlier(a: string | null, b: string | null): string | null {
  return a === null ? b : b === null ? a : a < b ? a : b;
}
function later(a: string | null, b: string | null): string | null {
  return a === null ? b : b === null ? a : a > b ? a : b;
}

/** Flow counts keyed as add() keys them → counts by flowLabel (spellings of one address merge). */
function labelled(flows: Map<string, number>): Map<string, number> {
  const out = new Map<string, number>();
  const part = (text: string) => (text === "null" ? null : text);
  const port = (text: string) => (text === "null" ? null : Number(text));
  for (const [key, count] of flows) {
    const [src, sport, dst, dport] = key.split("\u0000");
    const label = flowLabel({ src: part(src), sport: port(sport), dst: part(dst), dport: port(dport) });
    out.set(label, (out.get(label) ?? 0) + count);
  }
  return out;
}

export class LogAggregator {
  private readonly reasons = new Map<string, ReasonState>();
  private readonly hosts = new Map<string, HostSummary>();
  private readonly buckets = new Map<number, Record<string, number>>();
  private total = 0;
  private unknown = 0;
  private printk = 0;
  private firstTime: string | null = null;
  private lastTime: string | null = null;
  private readonly topFlows: number;
  private readonly maxFlows: number;

  constructor(private readonly options: AggregateOptions = {}) {
    this.topFlows = options.topFlows ?? 5;
    this.maxFlows = Math.max(options.maxFlows ?? 1000, this.topFlows);
  }

  add(record: LogRecord): void {
    this.total++;
    if (record.kind === "printk") this.printk++;
    else if (record.reason_id === "unknown") this.unknown++;
    let state = this.reasons.get(record.reason_id);
    if (!state) {
      state = new ReasonState(record.reason_id, record.l4proto, record.reason);
      this.reasons.set(record.reason_id, state);
    }
    state.count++;
    state.hosts.add(record.host);
    state.firstTime = earlier(state.firstTime, record.time);
    state.lastTime = later(state.lastTime, record.time);
    if (record.src !== null || record.dst !== null) {
      // Keyed by the addresses as printed; labelled (IPv6 compressed) only in summary().
      const flow = `${record.src}\u0000${record.sport}\u0000${record.dst}\u0000${record.dport}`;
      // Map.set keeps the key it has: a new key is copied once, on insertion.
      const seen = state.flows.get(flow);
      state.flows.set(seen === undefined ? detached(flow) : flow, (seen ?? 0) + 1);
      // Prune in batches (keep the most frequent half) so pruning costs O(1) per record.
      if (state.flows.size >= 2 * this.maxFlows) {
        keepHighest(state.flows, this.maxFlows);
        state.flowsApproximate = true;
      }
    }
    let host = this.hosts.get(record.host);
    if (!host) {
      host = { host: record.host, count: 0, byReason: {} };
      this.hosts.set(record.host, host);
    }
    host.count++;
    host.byReason[record.reason_id] = (host.byReason[record.reason_id] ?? 0) + 1;
    this.firstTime = earlier(this.firstTime, record.time);
    this.lastTime = later(this.lastTime, record.time);
    if (this.options.bucketMs && record.time !== null) {
      const t = Date.parse(record.time);
      if (Number.isFinite(t)) {
        const start = t - (t % this.options.bucketMs);
        const bucket = this.buckets.get(start) ?? {};
        bucket[record.reason_id] = (bucket[record.reason_id] ?? 0) + 1;
        this.buckets.set(start, bucket);
      }
    }
  }

  addAll(records: Iterable<LogRecord>): this {
    for (const r of records) this.add(r);
    return this;
  }

  summary(): FleetSummary {
    const reasons = [...this.reasons.values()]
      .map<ReasonSummary>((s) => ({
        reason_id: s.reasonId,
        l4proto: s.l4proto,
        reason: s.reason,
        count: s.count,
        hosts: [...s.hosts].sort(),
        topFlows: [...labelled(s.flows)]
          .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
          .slice(0, this.topFlows)
          .map(([flow, count]) => ({ flow, count })),
        flowsApproximate: s.flowsApproximate,
        firstTime: s.firstTime,
        lastTime: s.lastTime,
      }))
      .sort((a, b) => b.count - a.count || a.reason_id.localeCompare(b.reason_id));
    const hosts = [...this.hosts.values()]
      .map((h) => ({ ...h, byReason: { ...h.byReason } }))
      .sort((a, b) => b.count - a.count || a.host.localeCompare(b.host));
    const timeline = [...this.buckets]
      .sort((a, b) => a[0] - b[0])
      .map(([start, byReason]) => ({ start: new Date(start).toISOString(), byReason: { ...byReason } }));
    return {
      total: this.total,
      unknown: this.unknown,
      printk: this.printk,
      reasons,
      hosts,
      firstTime: this.firstTime,
      lastTime: this.lastTime,
      timeline,
    };
  }
}

/** Fleet summary of records from many hosts, in one call. */
export function summarize(records: Iterable<LogRecord>, options: AggregateOptions = {}): FleetSummary {
  return new LogAggregator(options).addAll(records).summary();
}
