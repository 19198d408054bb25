// Conntrack health beside the log lines: /proc/net/stat/nf_conntrack (per network namespace; a
// header, then one row of hex values per CPU), nf_conntrack_count/max, and conntrack(8)'s -C, -S and
// the unconfirmed/dying lists. Columns are read by header name, since they changed across
// versions (e.g. "searched" and "delete_list" went away, "clashres" and "chainlength" came).
import { MalformedAnswer } from "../errors.js";
import { kernelAtLeast } from "../facts/kernelVersion.js";

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

/**
 * One round trip for everything above; each section is "<name>\t<line>", ended by "end\t".
 * Cheap: the statistics file is read with the builtin, count and max with one grep. conntrack(8)
 * is run only where the statistics file is missing (-S and -C print the same numbers) and, for the
 * unconfirmed and dying lists, only before 5.19 (later kernels keep none): both need nf_conntrack
 * loaded already, since conntrack(8) would load modules (nf_conntrack_netlink) that revert then has
 * to unload. Inside a host script the kernel release, clock, and count and max are passed in
 * (NFD_KERNEL, NFD_CLOCK_NOW, NFD_CT_SYSCTLS: grep's "path:value" lines from its snapshot).
 */
export function countersScript(): string {
  return `# nfdebug: conntrack counters
LC_ALL=C; export LC_ALL
nfd_section() { while IFS= read -r nfd_l || [ -n "$nfd_l" ]; do printf '%s\\t%s\\n' "$1" "$nfd_l"; done; }
nfd_k=\${NFD_KERNEL:-$(uname -r)}
printf 'kernel\\t%s\\n' "$nfd_k"
nfd_at=\${NFD_CLOCK_NOW:-$(date +%s)}
printf 'at\\t%s\\n' "\${nfd_at%%.*}"
[ -r /proc/net/stat/nf_conntrack ] && nfd_section stat < /proc/net/stat/nf_conntrack
# One grep ("path:value"): the read builtin of dash takes one byte per read(2), and a sysctl file
# read at a non-zero offset is at its end, so "read < nf_conntrack_max" sees only "2" of 262144.
nfd_d=/proc/sys/net/netfilter
for nfd_l in \${NFD_CT_SYSCTLS:-$(grep -s '' $nfd_d/nf_conntrack_count $nfd_d/nf_conntrack_max)}; do
  case $nfd_l in
  $nfd_d/nf_conntrack_count:*) printf 'count\\t%s\\n' "\${nfd_l#*:}" ;;
  $nfd_d/nf_conntrack_max:*) printf 'max\\t%s\\n' "\${nfd_l#*:}" ;;
  esac
done
if [ -r $nfd_d/nf_conntrack_count ] && command -v conntrack >/dev/null 2>&1; then
  if [ ! -r /proc/net/stat/nf_conntrack ]; then
    conntrack -C 2>/dev/null | nfd_section conntrack_C
    conntrack -S 2>/dev/null | nfd_section conntrack_S
  fi
  nfd_maj=\${nfd_k%%.*}
  nfd_min=\${nfd_k#*.}
  nfd_min=\${nfd_min%%[!0-9]*}
  case $nfd_maj.$nfd_min in *[!0-9.]* | .* | *.) nfd_maj=0 nfd_min=0 ;; esac
  if [ "$nfd_maj" -lt 5 ] || { [ "$nfd_maj" -eq 5 ] && [ "$nfd_min" -lt 19 ]; }; then
    printf 'unconfirmed\\t%s\\n' "$(conntrack -L unconfirmed 2>/dev/null | wc -l | tr -d ' ')"
    printf 'dying\\t%s\\n' "$(conntrack -L dying 2>/dev/null | wc -l | tr -d ' ')"
  fi
fi
printf 'end\\t\\n'
`;
}

export function parseCounters(output: string): CounterSnapshot {
  const sections = new Map<string, string[]>();
  let ended = false;
  for (const line of output.split("\n")) {
    const tab = line.indexOf("\t");
    if (tab < 0) continue;
    const name = line.slice(0, tab);
    if (name === "end") ended = true;
    const list = sections.get(name) ?? [];
    list.push(line.slice(tab + 1));
    sections.set(name, list);
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
