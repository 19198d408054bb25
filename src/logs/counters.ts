// Conntrack health beside the log lines: /proc/net/stat/nf_conntrack (per network namespace; a
// header, then one row of hex values per CPU), nf_conntrack_count/max, and conntrack(8)'s -C, -S and
// the unconfirmed/dying lists. Columns are read by header name, since they changed across
// versions (e.g. "searched" and "delete_list" went away, "clashres" and "chainlength" came).
import { MalformedAnswer } from "../errors.js";
import { kernelAtLeast } from "../facts/kernelVersion.js";
import { FRAME_SH, parseFrames } from "../shell/frame.js";
import { shippedFile } from "../shell/shipped.js";

/** Columns worth a delta over a window, in report order. */
export const KEY_COUNTERS = [
  "invalid",
  "insert_failed",
  "drop",
  "early_drop",
  "icmp_error",
  "search_restart",
] as const;
export type CounterName = (typeof KEY_COUNTERS)[number];

/** "entries" is the namespace's connection count, printed on every CPU's row: not summed. */
const GLOBAL_COLUMNS = new Set(["entries"]);

// conntrack -S names for the same counters.
const STAT_ALIASES: Record<string, string> = {
  error: "icmp_error",
  clash_resolve: "clashres",
  chaintoolong: "chainlength",
};

export interface ConntrackStat {
  columns: string[];
  /** One record per CPU row. */
  perCpu: Array<Record<string, number>>;
  /** Sum over CPUs ("entries": the value itself). */
  totals: Record<string, number>;
}

export function parseConntrackStat(text: string): ConntrackStat {
  const lines = text.split("\n").filter((l) => l.trim() !== "");
  if (lines.length === 0) throw new MalformedAnswer("empty /proc/net/stat/nf_conntrack");
  const columns = lines[0].trim().split(/\s+/);
  const perCpu: Array<Record<string, number>> = [];
  const totals: Record<string, number> = {};
  for (const line of lines.slice(1)) {
    const values = line.trim().split(/\s+/);
    if (values.length !== columns.length || !values.every((v) => /^[0-9a-fA-F]+$/.test(v))) {
      throw new MalformedAnswer(`unexpected row in /proc/net/stat/nf_conntrack: ${JSON.stringify(line)}`);
    }
    const row: Record<string, number> = {};
    columns.forEach((name, k) => {
      const value = parseInt(values[k], 16);
      row[name] = value;
      if (GLOBAL_COLUMNS.has(name)) totals[name] = value;
      else totals[name] = (totals[name] ?? 0) + value;
    });
    perCpu.push(row);
  }
  return { columns, perCpu, totals };
}

/** `conntrack -S`: "cpu=0 found=0 invalid=2 ..." per CPU; totals with /proc names. */
export function parseConntrackS(text: string): { cpus: number; totals: Record<string, number> } {
  const totals: Record<string, number> = {};
  let cpus = 0;
  for (const line of text.split("\n")) {
    if (!/^\s*cpu=\d+/.test(line)) continue;
    cpus++;
    for (const [, key, value] of line.matchAll(/(\w+)=(\d+)/g)) {
      if (key === "cpu") continue;
      const name = STAT_ALIASES[key] ?? key;
      totals[name] = (totals[name] ?? 0) + Number(value);
    }
  }
  return { cpus, totals };
}

/** `conntrack -C` prints one number. */
export function parseConntrackC(text: string): number | null {
  const m = /^\s*(\d+)\s*$/.exec(text);
  return m ? Number(m[1]) : null;
}

/**
 * Entries listed by `conntrack -L unconfirmed|dying`: the "N flow entries have been shown" summary
 * (stderr) when given, else the number of entry lines.
 */
export function parseConntrackListCount(text: string): number {
  const summary = /(\d+) flow entries have been shown/.exec(text);
  if (summary) return Number(summary[1]);
  return text.split("\n").filter((l) => /^\s*\w+\s+\d+\s/.test(l)).length;
}

export interface CounterSnapshot {
  kernel: string | null;
  /** Host clock (epoch seconds) when read. */
  at: number | null;
  stat: ConntrackStat | null;
  count: number | null;
  max: number | null;
  conntrackCount: number | null;
  conntrackStats: Record<string, number> | null;
  unconfirmed: number | null;
  dying: number | null;
}

const COUNTERS_SH = new URL("./counters.sh", import.meta.url);

/** counters.sh: nfd_counters, which prints everything above as "counter" frames, for a script with frame.sh. */
export function countersShell(): string {
  return shippedFile(COUNTERS_SH);
}

/** The same as a whole script. */
export function countersScript(): string {
  return `${shippedFile(FRAME_SH)}\n${countersShell()}\nnfd_counters`;
}

/** nfd_counters' output: its "counter NAME LINE" frames up to "end". */
export function parseCounters(output: string): CounterSnapshot {
  const sections = new Map<string, string[]>();
  let ended = false;
  for (const { tag, fields } of parseFrames(output)) {
    if (tag === "end") ended = true;
    if (tag !== "counter") continue;
    const list = sections.get(fields[0]) ?? [];
    list.push(fields[1]);
    sections.set(fields[0], list);
  }
  if (!ended) throw new MalformedAnswer("the counters output is incomplete (no end line)");
  const text = (name: string) => sections.get(name)?.join("\n") ?? null;
  const number = (name: string) => {
    const t = text(name);
    return t !== null && /^\s*\d+\s*$/.test(t) ? Number(t) : null;
  };
  const stat = text("stat");
  const ctS = text("conntrack_S");
  const ctC = text("conntrack_C");
  return {
    kernel: text("kernel"),
    at: number("at"),
    stat: stat ? parseConntrackStat(stat) : null,
    count: number("count"),
    max: number("max"),
    conntrackCount: ctC !== null ? parseConntrackC(ctC) : null,
    conntrackStats: ctS ? parseConntrackS(ctS).totals : null,
    unconfirmed: number("unconfirmed"),
    dying: number("dying"),
  };
}

export interface CounterDeltas {
  /** after − before per column of /proc/net/stat/nf_conntrack; null when it went down (reset). */
  deltas: Record<string, number | null>;
  count: { before: number | null; after: number | null };
  max: number | null;
  unconfirmed: number | null;
  dying: number | null;
  kernel: string | null;
  notes: string[];
}

/** Kernels since 5.19 keep no unconfirmed/dying lists: say so instead of implying health. */
export function listsNote(kernel: string | null): string | null {
  if (!kernel) return null;
  return kernelAtLeast(kernel, 5, 19)
    ? `kernel ${kernel} (5.19+) keeps no unconfirmed and dying lists, so they are not read: "conntrack -L unconfirmed" is always empty there and "-L dying" shows only entries awaiting event redelivery`
    : null;
}

/** No statistics, no count and no max: nf_conntrack was not loaded (its sysctls were not there). */
function notLoaded(s: CounterSnapshot): boolean {
  return !s.stat && !s.conntrackStats && s.count === null && s.max === null;
}

export function counterDeltas(before: CounterSnapshot, after: CounterSnapshot): CounterDeltas {
  const deltas: Record<string, number | null> = {};
  const notes: string[] = [];
  let b = before.stat?.totals ?? before.conntrackStats;
  const a = after.stat?.totals ?? after.conntrackStats;
  if (a && !b && notLoaded(before)) {
    // The snapshot no longer runs conntrack(8), which loaded nf_conntrack as a side effect.
    notes.push("nf_conntrack was not loaded when the window began: its counters are counted from zero");
    b = Object.fromEntries(Object.keys(a).map((name) => [name, 0]));
  }
  if (a && b) {
    for (const name of Object.keys(a)) {
      if (GLOBAL_COLUMNS.has(name) || !(name in b)) continue;
      const d = a[name] - b[name];
      deltas[name] = d >= 0 ? d : null;
      if (d < 0)
        notes.push(
          `counter ${name} went down (${b[name]} → ${a[name]}): reset, or a different network namespace`,
        );
    }
  } else {
    notes.push("no conntrack statistics (no /proc/net/stat/nf_conntrack and no conntrack tool)");
  }
  if (before.kernel && after.kernel && before.kernel !== after.kernel)
    notes.push(`the kernel changed during the window (${before.kernel} → ${after.kernel})`);
  const lists = listsNote(after.kernel);
  if (lists) notes.push(lists);
  return {
    deltas,
    count: {
      before: before.count ?? before.stat?.totals.entries ?? null,
      after: after.count ?? after.stat?.totals.entries ?? null,
    },
    max: after.max,
    unconfirmed: after.unconfirmed,
    dying: after.dying,
    kernel: after.kernel,
    notes,
  };
}
