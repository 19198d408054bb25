// One fleet size: start N namespace hosts once, then measure every contender `runs` times,
// round-robin, checking on the hosts that each apply changed both values and each revert restored them.
import { loadavg } from "node:os";
import { startFleet } from "../test/fleet/netns/fleet.js";
import type { Fleet } from "../test/fleet/netns/types.js";
import { APPLIED, START, expectValues, setValues } from "./hostState.js";
import { withMachineCpu } from "./measure/machineCpu.js";
import type { Contender, PhaseUsage } from "./tools/types.js";

export interface RunUsage {
  apply: PhaseUsage;
  revert: PhaseUsage;
  /** apply + revert wall and CPU; the larger peak. */
  total: PhaseUsage;
}

export interface SizeResult {
  hosts: number;
  fleetStartMs: number;
  /** 1-minute load average before and after: other work on the machine skews every figure. */
  load: { before: number; after?: number };
  runs: Record<string, RunUsage[]>;
}

export interface SizeOptions {
  runs: number;
  warmup: boolean;
  log: (line: string) => void;
}

async function measureOnce(fleet: Fleet, c: Contender): Promise<RunUsage> {
  await setValues(fleet, START);
  await expectValues(fleet, START, `${c.name}: before apply`);
  try {
    const apply = await withMachineCpu(() => c.apply());
    await expectValues(fleet, APPLIED, `${c.name}: after apply`);
    const revert = await withMachineCpu(() => c.revert());
    await expectValues(fleet, START, `${c.name}: after revert`);
    return {
      apply,
      revert,
      total: {
        wallMs: apply.wallMs + revert.wallMs,
        cpuS: apply.cpuS + revert.cpuS,
        peakKb: Math.max(apply.peakKb, revert.peakKb),
        machineCpuS: apply.machineCpuS + revert.machineCpuS,
      },
    };
  } finally {
    await c.afterRun?.();
  }
}

export async function measureSize(
  hosts: number,
  contenders: Contender[],
  options: SizeOptions,
): Promise<SizeResult> {
  const t0 = Date.now();
  const fleet = await startFleet({ count: hosts, concurrency: 8 });
  const result: SizeResult = {
    hosts,
    fleetStartMs: Date.now() - t0,
    load: { before: loadavg()[0] },
    runs: {},
  };
  options.log(
    `N=${hosts}: fleet started in ${(result.fleetStartMs / 1000).toFixed(1)} s; load average ${result.load.before.toFixed(1)}`,
  );
  try {
    for (const c of contenders) {
      await c.prepare(fleet, hosts);
      result.runs[c.name] = [];
    }
    if (options.warmup) {
      // Page cache and first-run costs; Ansible's own are paid by its first measured run too,
      // which is why the median is reported.
      for (const c of contenders.filter((c) => c.name !== "ansible")) await measureOnce(fleet, c);
    }
    for (let run = 1; run <= options.runs; run++) {
      for (const c of contenders) {
        const usage = await measureOnce(fleet, c);
        result.runs[c.name].push(usage);
        options.log(
          `N=${hosts} run ${run} ${c.name}: ${(usage.total.wallMs / 1000).toFixed(2)} s wall ` +
            `(apply ${(usage.apply.wallMs / 1000).toFixed(2)}, revert ${(usage.revert.wallMs / 1000).toFixed(2)}), ` +
            `${usage.total.cpuS.toFixed(2)} s CPU, ${(usage.total.peakKb / 1024).toFixed(0)} MB, ` +
            `machine ${(usage.total.machineCpuS ?? 0).toFixed(1)} s CPU`,
        );
      }
    }
    result.load.after = loadavg()[0];
    return result;
  } finally {
    await fleet.stop();
  }
}
