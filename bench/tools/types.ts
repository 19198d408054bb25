// What each contender (nfdebug, the OpenSSH floor, Ansible) offers the benchmark.
import type { Fleet } from "../../test/fleet/netns/types.js";

/** One phase (apply or revert) of one run. */
export interface PhaseUsage {
  wallMs: number;
  /** Controller CPU, user + sys seconds (see BENCHMARKS.md for what each tool counts). */
  cpuS: number;
  /** Controller peak memory in KiB (definition per tool in BENCHMARKS.md). */
  peakKb: number;
  /** Busy CPU of the whole machine meanwhile: controller + the hosts' sshd and commands. */
  machineCpuS?: number;
}

export interface Contender {
  readonly name: string;
  /** Per fleet size: write config files; untimed. */
  prepare(fleet: Fleet, forks: number): Promise<void>;
  apply(): Promise<PhaseUsage>;
  revert(): Promise<PhaseUsage>;
  /** After each run (untimed): stop what the run left behind (control masters). */
  afterRun?(): Promise<void>;
}

export function failIfNonZero(tool: string, phase: string, code: number | null, output: string): void {
  if (code === 0) return;
  const tail = output.trim().split("\n").slice(-8).join("\n");
  throw new Error(`${tool} ${phase} exited with ${code}:\n${tail}`);
}
