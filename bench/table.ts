// The result table, the ratios and the targets, as plain text (also pasted into BENCHMARKS.md).
import type { SizeResult } from "./fleetSize.js";
import { median, ratio } from "./measure/stats.js";

export interface Summary {
  wallS: number;
  applyS: number;
  revertS: number;
  cpuS: number;
  /** Largest peak over the runs, MB. */
  peakMB: number;
  /** Median busy CPU of the whole machine (controller + hosts) over apply + revert. */
  machineCpuS: number;
  runs: number;
}

export function summarise(size: SizeResult, tool: string): Summary | undefined {
  const runs = size.runs[tool];
  if (!runs || runs.length === 0) return undefined;
  return {
    wallS: median(runs.map((r) => r.total.wallMs)) / 1000,
    applyS: median(runs.map((r) => r.apply.wallMs)) / 1000,
    revertS: median(runs.map((r) => r.revert.wallMs)) / 1000,
    cpuS: median(runs.map((r) => r.total.cpuS)),
    peakMB: Math.max(...runs.map((r) => r.total.peakKb)) / 1024,
    machineCpuS: median(runs.map((r) => r.total.machineCpuS ?? NaN)),
    runs: runs.length,
  };
}

const f2 = (n: number | undefined) => (n === undefined || Number.isNaN(n) ? "-" : n.toFixed(2));
const f1 = (n: number | undefined) => (n === undefined || Number.isNaN(n) ? "-" : n.toFixed(1));

export function resultTable(sizes: SizeResult[], tools: string[]): string {
  const header =
    "| hosts | tool | wall s (median) | apply s | revert s | controller CPU s | peak MB | machine CPU s | runs |";
  const rule = "|---:|---|---:|---:|---:|---:|---:|---:|---:|";
  const rows = sizes.flatMap((size) =>
    tools.flatMap((tool) => {
      const s = summarise(size, tool);
      if (!s) return [];
      return [
        `| ${size.hosts} | ${tool} | ${f2(s.wallS)} | ${f2(s.applyS)} | ${f2(s.revertS)} | ${f2(s.cpuS)} | ${f1(s.peakMB)} | ${f1(s.machineCpuS)} | ${s.runs} |`,
      ];
    }),
  );
  return [header, rule, ...rows].join("\n");
}

const mark = (ok: boolean | undefined) => (ok === undefined ? "" : ok ? " ✓" : " ✗");

export function loadLine(sizes: SizeResult[]): string {
  const parts = sizes.map(
    (s) => `N=${s.hosts}: ${s.load.before.toFixed(1)} → ${s.load.after?.toFixed(1) ?? "?"}`,
  );
  return `1-minute load average before → after each size (other work on the machine): ${parts.join(", ")}`;
}

export function ratioTable(sizes: SizeResult[]): string {
  const header =
    "| hosts | nfdebug/floor wall (≤ 1.3) | ansible/nfdebug wall (≥ 7 @20, ≥ 8 @200) | nfdebug/floor CPU (≤ 1) | nfdebug peak MB (< 150 @200) | nfdebug-openssh/floor wall | nfdebug-openssh/nfdebug CPU |";
  const rule = "|---:|---:|---:|---:|---:|---:|---:|";
  const rows = sizes.map((size) => {
    const nfd = summarise(size, "nfdebug");
    const floor = summarise(size, "floor");
    const ans = summarise(size, "ansible");
    const viaOpenssh = summarise(size, "nfdebug-openssh");
    const vsFloor = nfd && floor ? ratio(nfd.wallS, floor.wallS) : undefined;
    const vsAnsible = nfd && ans ? ratio(ans.wallS, nfd.wallS) : undefined;
    const cpu = nfd && floor ? ratio(nfd.cpuS, floor.cpuS) : undefined;
    const ansibleTarget = size.hosts === 20 ? 7 : size.hosts === 200 ? 8 : undefined;
    return (
      `| ${size.hosts} | ${f2(vsFloor)}${mark(vsFloor === undefined ? undefined : vsFloor <= 1.3)}` +
      ` | ${f1(vsAnsible)}${mark(vsAnsible === undefined || ansibleTarget === undefined ? undefined : vsAnsible >= ansibleTarget)}` +
      ` | ${f2(cpu)}${mark(cpu === undefined ? undefined : cpu <= 1)}` +
      ` | ${f1(nfd?.peakMB)}${mark(nfd === undefined || size.hosts !== 200 ? undefined : nfd.peakMB < 150)}` +
      ` | ${f2(viaOpenssh && floor ? ratio(viaOpenssh.wallS, floor.wallS) : undefined)}` +
      ` | ${f2(viaOpenssh && nfd ? ratio(viaOpenssh.cpuS, nfd.cpuS) : undefined)} |`
    );
  });
  return [header, rule, ...rows].join("\n");
}
