// Reading /proc: a process tree's members, their CPU ticks and their memory.
import { readdirSync, readFileSync } from "node:fs";
import { execFileSync } from "node:child_process";

const TICKS_PER_SECOND = Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;

interface StatFields {
  ppid: number;
  /** utime + stime, in seconds. */
  cpuS: number;
  /** cutime + cstime: the children it waited for, in seconds. */
  childrenCpuS: number;
}

/** Fields of /proc/PID/stat; the command name may contain spaces, so split after its ')'. */
export function readStat(pid: number): StatFields | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, "utf8");
    const rest = text.slice(text.lastIndexOf(")") + 2).split(" ");
    // rest[0] is field 3 (state): ppid is field 4, utime 14, stime 15, cutime 16, cstime 17.
    return {
      ppid: Number(rest[1]),
      cpuS: (Number(rest[11]) + Number(rest[12])) / TICKS_PER_SECOND,
      childrenCpuS: (Number(rest[13]) + Number(rest[14])) / TICKS_PER_SECOND,
    };
  } catch {
    return undefined;
  }
}

export function allPids(): number[] {
  return readdirSync("/proc")
    .filter((e) => /^\d+$/.test(e))
    .map(Number);
}

/** `root` and every process below it. */
export function descendants(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const pid of allPids()) {
    const stat = readStat(pid);
    if (!stat) continue;
    const list = children.get(stat.ppid) ?? [];
    list.push(pid);
    children.set(stat.ppid, list);
  }
  const found: number[] = [];
  const queue = [root];
  while (queue.length > 0) {
    const pid = queue.pop() as number;
    found.push(pid);
    queue.push(...(children.get(pid) ?? []));
  }
  return found;
}

/** Proportional set size in KiB (shared pages split between the processes sharing them). */
export function pssKb(pid: number): number {
  try {
    const m = /^Pss:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, "utf8"));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}
