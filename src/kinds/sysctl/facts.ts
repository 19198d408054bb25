// Kind `sysctl`, facts: the sections facts.awk prints ("sysctl": "NAME VALUE" below
// /proc/sys/net/netfilter; "nf_log": /proc/net/netfilter/nf_log).
import type { FactSections } from "../../facts/sections.js";

export interface LoggerFamily {
  /** Bound logger name or "NONE". */
  bound: string;
  registered: string[];
}

export interface SysctlFacts {
  /** Values under /proc/sys/net/netfilter, keyed by path below it ("nf_log/2"). */
  sysctl: Record<string, string>;
  /** nf_log_all_netns exists only in the initial network namespace. */
  initialNetns: boolean;
  /** /proc/net/netfilter/nf_log by family number. */
  loggers: Record<number, LoggerFamily>;
}

/** "2 nf_log_ipv4 (nf_log_ipv4,nfnetlink_log)" lines, by family number. */
export function parseLoggers(lines: string[]): Record<number, LoggerFamily> {
  const loggers: Record<number, LoggerFamily> = {};
  for (const line of lines) {
    const m = /^\s*(\d+)\s+(\S+)\s+\(([^)]*)\)/.exec(line);
    if (m) loggers[Number(m[1])] = { bound: m[2], registered: m[3] ? m[3].split(",") : [] };
  }
  return loggers;
}

export function readSysctlFacts(sections: FactSections): SysctlFacts {
  const sysctl: Record<string, string> = {};
  for (const line of sections.lines("sysctl")) {
    const space = line.indexOf(" ");
    if (space > 0) sysctl[line.slice(0, space)] = line.slice(space + 1);
  }
  return {
    sysctl,
    initialNetns: "nf_log_all_netns" in sysctl,
    loggers: parseLoggers(sections.lines("nf_log")),
  };
}
