// Turns a ReportInput into everything the renderers show: per-reason, per-host and per-flow
// counts, the timeline and the verdict. One pass over the records; pure.

import type { FlowRow, HostRow, ReasonRow, Report, ReportHost, ReportInput } from "./model.js";
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

export function buildReport(input: ReportInput): Report {
  const reasons = new Map<string, ReasonAcc>();
  const flows = new Map<string, FlowRow & { hostSet: Set<string>; reasonSet: Set<string> }>();
  const protocols = new Map<string, number>();
  const hosts = new Map<string, HostRow>();
  for (const h of input.hosts) hosts.set(h.name, { ...h, inInventory: true, records: 0, byReason: {} });
  const times: number[] = [];
  const reasonIds: string[] = [];
  let untimed = 0;
  let invalid = 0;
  let printk = 0;
  let total = 0;

  for (const r of input.records) {
    total++;
    const proto = protocolName(r.l4proto, r.proto);
    if (r.kind === "printk") printk++;
    else {
      invalid++;
      protocols.set(proto, (protocols.get(proto) ?? 0) + 1);
    }
    let acc = reasons.get(r.reason_id);
    if (!acc) {
      const info = input.reasonInfo?.[r.reason_id];
      const label = info?.label ?? (r.reason ? labelFromReasonText(r.reason) : "unrecognised line");
      acc = {
        row: {
          id: r.reason_id,
          label,
          kind: r.kind,
          protocols: [],
          count: 0,
          hosts: [],
          topSource: null,
          example: r.raw,
          ...(info?.explanation ? { explanation: info.explanation } : {}),
          ...(info?.hint ? { hint: info.hint } : {}),
        },
        hosts: new Set(),
        protocols: new Set(),
        sources: new Map(),
        kinds: { invalid: 0, printk: 0 },
      };
      reasons.set(r.reason_id, acc);
    }
    acc.row.count++;
    acc.hosts.add(r.host);
    acc.protocols.add(proto);
    acc.kinds[r.kind === "printk" ? "printk" : "invalid"]++;
    if (r.src) acc.sources.set(r.src, (acc.sources.get(r.src) ?? 0) + 1);

    let host = hosts.get(r.host);
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
      hosts.set(r.host, host);
    }
    host.records++;
    host.byReason[r.reason_id] = (host.byReason[r.reason_id] ?? 0) + 1;

    if (r.kind !== "printk" && (r.src || r.dst)) {
      const key = `${proto}|${r.src}|${r.sport}|${r.dst}|${r.dport}`;
      let f = flows.get(key);
      if (!f) {
        f = {
          protocol: proto,
          src: r.src,
          sport: r.sport,
          dst: r.dst,
          dport: r.dport,
          count: 0,
          hosts: [],
          reasons: [],
          hostSet: new Set(),
          reasonSet: new Set(),
        };
        flows.set(key, f);
      }
      f.count++;
      f.hostSet.add(r.host);
      f.reasonSet.add(r.reason_id);
    }

    const ms = r.time === null ? NaN : Date.parse(r.time);
    if (Number.isNaN(ms)) untimed++;
    else {
      times.push(ms);
      reasonIds.push(r.reason_id);
    }
  }

  // Namespaces or containers of one machine read one kernel log: a line there was logged for all
  // of them (collect counted it once, for the host that read it first).
  const sharedLog = sharedLogs(input.hosts);
  const widen = (names: Iterable<string>): string[] =>
    [...new Set([...names].flatMap((n) => sharedLog.get(n) ?? [n]))].sort();
  for (const [name, group] of sharedLog) {
    const row = hosts.get(name);
    if (row) row.sharedLog = group;
  }

  const reasonRows = [...reasons.values()]
    .map((a) => {
      const top = [...a.sources].sort((x, y) => y[1] - x[1] || x[0].localeCompare(y[0]))[0];
      return {
        ...a.row,
        kind: a.kinds.printk > a.kinds.invalid ? ("printk" as const) : ("invalid" as const),
        hosts: widen(a.hosts),
        protocols: [...a.protocols].sort(),
        topSource: top ? { addr: top[0], count: top[1] } : null,
      };
    })
    .sort(byCountThen((r) => r.id));
  const rank = new Map(reasonRows.map((r, i) => [r.id, i]));
  const window = windowOf(input, times);

  const withoutVerdict: Omit<Report, "verdict"> = {
    runbook: input.runbook,
    profile: input.profile,
    startedAt: input.startedAt,
    endedAt: input.endedAt,
    window,
    steps: input.steps,
    ...(input.nfdebugVersion ? { nfdebugVersion: input.nfdebugVersion } : {}),
    totals: {
      records: total,
      invalid,
      printk,
      protocols: [...protocols].map(([name, count]) => ({ name, count })).sort(byCountThen((p) => p.name)),
    },
    reasons: reasonRows,
    flows: [...flows.values()]
      .sort(byCountThen((f) => `${f.src}|${f.dst}|${f.sport}|${f.dport}`))
      .slice(0, TOP_FLOWS)
      .map(({ hostSet, reasonSet, ...f }) => ({
        ...f,
        hosts: widen(hostSet),
        reasons: [...reasonSet].sort(),
      })),
    flowCount: flows.size,
    hosts: [...hosts.values()],
    timeline: buildTimeline(
      window,
      times,
      reasonIds.map((id) => rank.get(id)!),
      reasonRows.map((r) => ({ id: r.id, label: r.label })),
      untimed,
    ),
  };
  return { ...withoutVerdict, verdict: writeVerdict(withoutVerdict) };
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
function windowOf(input: ReportInput, times: number[]): Report["window"] {
  const w = input.window ?? { startedAt: input.startedAt, endedAt: input.endedAt };
  let startMs = Date.parse(w.startedAt);
  let endMs = Date.parse(w.endedAt);
  if (Number.isNaN(startMs) || Number.isNaN(endMs) || endMs < startMs) {
    // a loop, not Math.min(...times): spreading a million arguments overflows the stack
    startMs = times.length ? times.reduce((a, b) => Math.min(a, b)) : 0;
    endMs = times.length ? times.reduce((a, b) => Math.max(a, b)) : 0;
  }
  return { startMs, endMs };
}

function byCountThen<T extends { count: number }>(key: (x: T) => string): (a: T, b: T) => number {
  return (a, b) => b.count - a.count || key(a).localeCompare(key(b));
}
