// A plan over hosts of several kernel versions, summed up per version: what a mixed fleet will get
// ("6.1 (12 hosts): 12 ok, 36 changes (printk 24, sysctl 12); 6.18 (4 hosts): 4 unsupported").
import type { FailedOutcome, PlanOutcome } from "../engine/outcomes.js";
import { compareKernelSeries, kernelSeries } from "../facts/kernelVersion.js";

interface Group {
  hosts: number;
  ok: number;
  changesByKnob: Map<string, number>;
  failures: Map<string, { count: number; example: string }>;
  /** Hosts warned (a log_invalid protocol that logs nothing there), with one host's warning. */
  warned: { count: number; example: string } | null;
}

/** Lines for the per-version summary; none when the hosts whose kernel is known run one version. */
export function planByKernel(
  outcomes: Array<PlanOutcome | FailedOutcome>,
  kernelOf: ReadonlyMap<string, string>,
): string[] {
  const groups = new Map<string, Group>();
  for (const o of outcomes) {
    const series = kernelSeries(kernelOf.get(o.host));
    let g = groups.get(series);
    if (!g)
      groups.set(
        series,
        (g = { hosts: 0, ok: 0, changesByKnob: new Map(), failures: new Map(), warned: null }),
      );
    g.hosts++;
    if (o.ok) {
      g.ok++;
      for (const c of o.changes) g.changesByKnob.set(c.knob, (g.changesByKnob.get(c.knob) ?? 0) + 1);
      if (o.warnings?.length) {
        g.warned ??= { count: 0, example: `${o.host}: ${o.warnings[0]}` };
        g.warned.count++;
      }
    } else {
      const f = g.failures.get(o.error.kind) ?? { count: 0, example: `${o.host}: ${o.error.message}` };
      f.count++;
      g.failures.set(o.error.kind, f);
    }
  }
  if ([...groups.keys()].filter((k) => k !== "unknown").length < 2) return [];
  const lines = ["by kernel:"];
  for (const [series, g] of [...groups].sort((a, b) => compareKernelSeries(a[0], b[0]))) {
    const parts: string[] = [];
    if (g.ok > 0) {
      const total = [...g.changesByKnob.values()].reduce((s, n) => s + n, 0);
      const knobs = [...g.changesByKnob]
        .sort((a, b) => a[0].localeCompare(b[0]))
        .map(([k, n]) => `${k} ${n}`);
      parts.push(
        `${g.ok} ok, ${total} change${total === 1 ? "" : "s"}${knobs.length ? ` (${knobs.join(", ")})` : ""}`,
      );
    }
    if (g.warned) parts.push(`${g.warned.count} warned, e.g. ${g.warned.example}`);
    for (const [kind, f] of g.failures) parts.push(`${f.count} ${kind}, e.g. ${f.example}`);
    lines.push(`  ${series} (${g.hosts} host${g.hosts === 1 ? "" : "s"}): ${parts.join("; ")}`);
  }
  return lines;
}
