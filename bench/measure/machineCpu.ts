// CPU time spent by the whole machine (every process: the controller, and the test hosts' sshd,
// shells and commands, which share these cores), from /proc/stat.
import { readFileSync } from "node:fs";
import { execFileSync } from "node:child_process";

const TICKS_PER_SECOND = Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;

/** Busy seconds since boot: user, nice, system, irq, softirq, steal (not idle or iowait). */
export function machineBusySeconds(): number {
  const cpu = readFileSync("/proc/stat", "utf8").split("\n")[0].trim().split(/\s+/).slice(1).map(Number);
  const [user, nice, system, , , irq, softirq, steal] = cpu;
  return (user + nice + system + irq + softirq + (steal ?? 0)) / TICKS_PER_SECOND;
}

/** Run `task` and add the machine's busy CPU seconds during it. */
export async function withMachineCpu<T extends object>(
  task: () => Promise<T>,
): Promise<T & { machineCpuS: number }> {
  const before = machineBusySeconds();
  const result = await task();
  return { ...result, machineCpuS: machineBusySeconds() - before };
}
