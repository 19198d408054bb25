// Turns a ReportInput into everything the renderers show: per-reason, per-host and per-flow
// counts, the timeline and the verdict. One pass over the records; pure.

import { kernelGroups } from "./byKernel.js";
import type { LogRecord } from "../logs/record.js";
import type { FlowRow, HostRow, ReasonRow, Report, ReportHost, ReportInput } from "./model.js";
import { detached, detachedOrNull } from "../detached.js";
import { TimeHistogram } from "./timeHistogram.js";
import { buildTimeline } from "./timeline.js";
import { writeVerdict } from "./verdict.js";
import { labelFromReasonText, protocolName } from "./wording.js";

export const TOP_FLOWS = 10;

interface ReasonAcc {
  row: ReasonRow;
  hosts: Set<string>;
  protocols: Set<string>;
  sources: Map<string, number>;
  kinds: { invalid: number; printk: number };
}

/**
 * Accumulates records one at a time (memory bounded by distinct reasons, hosts, tracked flows and
 * time slots, not by records), then builds the Report. buildReport is the one-call form.
 */
export class ReportBuilder {
  private readonly reasons = new Map<string, ReasonAcc>();
  private readonly flows = new Map<string, FlowRow & { hostSet: Set<string>; reasonSet: Set<string> }>();
  private readonly protocols = new Map<string, number>();
  private readonly hosts = new Map<string, HostRow>();
  private readonly times = new TimeHistogram();
  private flowsApproximate = false;
  private distinctFlows = 0;
  private untimed = 0;
  private invalid = 0;
  private printk = 0;
  private total = 0;

  add(r: LogRecord): void {
    this.total++;
    const proto = protocolName(r.l4proto, r.proto);
    if (r.kind === "printk") this.printk++;
    else {
      this.invalid++;
      this.protocols.set(proto, (this.protocols.get(proto) ?? 0) + 1);
    }
    let acc = this.reasons.get(r.reason_id);
    if (!acc) {
      acc = {
        row: {
          id: r.reason_id,
          // The catalogue's words are added by build(); until then, the kernel's.
          label: r.reason ? labelFromReasonText(detached(r.reason)) : "unrecognised line",
          kind: r.kind,
          protocols: [],
          count: 0,
          hosts: [],
          topSource: null,
          example: detached(r.raw),
        },
        hosts: new Set(),
        protocols: new Set(),
        sources: new Map(),
        kinds: { invalid: 0, printk: 0 },
      };
      this.reasons.set(r.reason_id, acc);
    }
    acc.row.count++;
    acc.hosts.add(r.host);
    acc.protocols.add(proto);
    acc.kinds[r.kind === "printk" ? "printk" : "invalid"]++;
    if (r.src) {
      // Map.set keeps the key it has: a new key is copied once, on insertion.
      const seen = acc.sources.get(r.src);
      acc.sources.set(seen === undefined ? detached(r.src) : r.src, (seen ?? 0) + 1);
      if (acc.sources.size >= 2 * MAX_TRACKED) keepLargest(acc.sources, (n) => n);
    }

    let host = this.hosts.get(r.host);
    if (!host) {
      host = {
        name: r.host,
        ok: true,
        changes: [],
        reverted: false,
        inInventory: false,
        records: 0,
        byReason: {},
      };
      this.hosts.set(r.host, host);
    }
    host.records++;
    host.byReason[r.reason_id] = (host.byReason[r.reason_id] ?? 0) + 1;

    if (r.kind !== "printk" && (r.src || r.dst)) {
      const key = detached(`${proto}|${r.src}|${r.sport}|${r.dst}|${r.dport}`);
      let f = this.flows.get(key);
      if (!f) {
        f = {
          protocol: proto,
          src: detachedOrNull(r.src),
          sport: r.sport,
          dst: detachedOrNull(r.dst),
          dport: r.dport,
          count: 0,
          hosts: [],
          reasons: [],
          hostSet: new Set(),
          reasonSet: new Set(),
        };
        this.flows.set(key, f);
        this.distinctFlows++;
        // Keep the busiest flows only: memory must not grow with a log's size.
        if (this.flows.size >= 2 * MAX_TRACKED) {
          keepLargest(this.flows, (x) => x.count);
          this.flowsApproximate = true;
        }
      }
      f.count++;
      f.hostSet.add(r.host);
      f.reasonSet.add(r.reason_id);
    }

    const ms = r.time === null ? NaN : Date.parse(r.time);
    if (Number.isNaN(ms)) this.untimed++;
    else this.times.add(ms, r.reason_id);
  }

  /** The report of the records added, for the run described by `input` (its records are not read). */
  build(input: Omit<ReportInput, "records">): Report {
    // Inventory hosts first, in their order, then hosts seen only in records.
    const hosts = new Map<string, HostRow>();
    for (const h of input.hosts) {
      const seen = this.hosts.get(h.name);
      hosts.set(h.name, {
        ...h,
        inInventory: true,
        records: seen?.records ?? 0,
        byReason: seen?.byReason ?? {},
      });
    }
    for (const [name, row] of this.hosts) if (!hosts.has(name)) hosts.set(name, row);

    // Namespaces or containers of one machine read one kernel log: a line there was logged for all
    // of them (collect counted it once, for the host that read it first).
    const sharedLog = sharedLogs(input.hosts);
    const widen = (names: Iterable<string>): string[] =>
      [...new Set([...names].flatMap((n) => sharedLog.get(n) ?? [n]))].sort();
    for (const [name, group] of sharedLog) {
      const row = hosts.get(name);
      if (row) row.sharedLog = group;
    }

    const reasonRows = [...this.reasons.values()]
      .map((a) => {
        const top = [...a.sources].sort((x, y) => y[1] - x[1] || x[0].localeCompare(y[0]))[0];
        const info = input.reasonInfo?.[a.row.id];
        return {
          ...a.row,
          ...(info?.label ? { label: info.label } : {}),
          ...(info?.explanation ? { explanation: info.explanation } : {}),
          ...(info?.hint ? { hint: info.hint } : {}),
          kind: a.kinds.printk > a.kinds.invalid ? ("printk" as const) : ("invalid" as const),
          hosts: widen(a.hosts),
          protocols: [...a.protocols].sort(),
          topSource: top ? { addr: top[0], count: top[1] } : null,
        };
      })
      .sort(byCountThen((r) => r.id));
    const rank = new Map(reasonRows.map((r, i) => [r.id, i]));
    const window = windowOf(input, this.times);

    const withoutVerdict: Omit<Report, "verdict"> = {
      runbook: input.runbook,
      profile: input.profile,
      startedAt: input.startedAt,
      endedAt: input.endedAt,
      window,
      steps: input.steps,
      ...(input.nfdebugVersion ? { nfdebugVersion: input.nfdebugVersion } : {}),
      totals: {
        records: this.total,
        invalid: this.invalid,
        printk: this.printk,
        protocols: [...this.protocols]
          .map(([name, count]) => ({ name, count }))
          .sort(byCountThen((p) => p.name)),
      },
      reasons: reasonRows,
      flows: [...this.flows.values()]
        .sort(byCountThen((f) => `${f.src}|${f.dst}|${f.sport}|${f.dport}`))
        .slice(0, TOP_FLOWS)
        .map(({ hostSet, reasonSet, ...f }) => ({
          ...f,
          hosts: widen(hostSet),
          reasons: [...reasonSet].sort(),
        })),
      flowCount: this.flowsApproximate ? this.distinctFlows : this.flows.size,
      ...(this.flowsApproximate ? { flowsApproximate: true } : {}),
      hosts: [...hosts.values()],
      kernels: kernelGroups([...hosts.values()]),
      timeline: buildTimeline(
        window,
        this.times,
        (id) => rank.get(id)!,
        reasonRows.map((r) => ({ id: r.id, label: r.label })),
        this.untimed,
      ),
    };
    return { ...withoutVerdict, verdict: writeVerdict(withoutVerdict) };
  }
}

export function buildReport(input: ReportInput): Report {
  const builder = new ReportBuilder();
  for (const r of input.records) builder.add(r);
  return builder.build(input);
}

/** Host → every host reading the same kernel log, for logs read by more than one host. */
function sharedLogs(hosts: ReportHost[]): Map<string, string[]> {
  const byLog = new Map<string, string[]>();
  for (const h of hosts) if (h.kernelLog) byLog.set(h.kernelLog, [...(byLog.get(h.kernelLog) ?? []), h.name]);
  const shared = new Map<string, string[]>();
  for (const names of byLog.values())
    if (names.length > 1) for (const n of names) shared.set(n, [...names].sort());
  return shared;
}

/** The debug window in epoch ms; falls back to the run, then to the records' own span. */
function windowOf(input: Omit<ReportInput, "records">, times: TimeHistogram): Report["window"] {
  const w = input.window ?? { startedAt: input.startedAt, endedAt: input.endedAt };
  let startMs = Date.parse(w.startedAt);
  let endMs = Date.parse(w.endedAt);
  if (Number.isNaN(startMs) || Number.isNaN(endMs) || endMs < startMs) {
    startMs = times.total > 0 ? times.min : 0;
    endMs = times.total > 0 ? times.max : 0;
  }
  return { startMs, endMs };
}

/** Flows and sources tracked before the least frequent half is dropped (as LogAggregator does). */
const MAX_TRACKED = 5000;

function keepLargest<K, V>(map: Map<K, V>, count: (v: V) => number): void {
  const kept = [...map].sort((a, b) => count(b[1]) - count(a[1])).slice(0, MAX_TRACKED);
  map.clear();
  for (const [k, v] of kept) map.set(k, v);
}

function byCountThen<T extends { count: number }>(key: (x: T) => string): (a: T, b: T) => number {
  return (a, b) => b.count - a.count || key(a).localeCompare(key(b));
}
