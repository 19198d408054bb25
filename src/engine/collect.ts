// Collect on one host: the window's kernel log lines since the last collect (or the window's
// start), up to its end once it has ended, parsed into records and streamed to a sink, with the
// conntrack counter deltas over the window. Three short round trips on one connection:
// read the window's marks, stream the lines, then acknowledge the new position.
import { unchangedOutcome } from "./result.js";
import type { CollectOutcome } from "./outcomes.js";
import { HostError, MalformedAnswer } from "../errors.js";
import { parsePrintkSite } from "../kinds/printk/facts.js";
import type { PrintkSite } from "../facts/types.js";
import { counterDeltas, parseCounters, type CounterDeltas } from "../logs/counters.js";
import { collectLines } from "../logs/collect-lines.js";
import { createKernelMessageClassifier } from "../logs/printk.js";
import { parseStoredPosition, readParser, readScript, startPositionParser } from "../logs/sources/reader.js";
import type { LogPosition } from "../logs/sources/types.js";
import type { SourceKind } from "../logs/sources/types.js";
import { shQuote } from "../shell/quote.js";
import type { Connection } from "../transport/types.js";
import { countersScript } from "../logs/counters.js";
import { hostLibrary } from "./host/scripts.js";
import { unreadableKind } from "./hostOutput.js";
import type { CollectSink } from "./sharedKernel.js";
import { WINDOW_ID } from "./window.js";

export { sharedKernelFilter, sharedKernelNote, type CollectSink } from "./sharedKernel.js";

export interface CollectRequest {
  window?: string;
  timeoutMs?: number;
  sink: CollectSink;
  /** Do not advance the host's collected position (a peek, e.g. `until` polling). */
  peek?: boolean;
}

interface WindowFiles {
  window: string;
  open: boolean;
  files: Map<string, string>;
}

function marksScript(window: string | undefined): string {
  return `${hostLibrary()}
want=${shQuote(window ?? "")}
[ -z "$want" ] && [ -f "$J/window" ] && want=$(nfd_window_get id)
[ -z "$want" ] && want=$(ls -1 "$P/windows" 2>/dev/null | sort | tail -n 1)
if [ -z "$want" ] || [ ! -d "$P/windows/$want" ]; then nfd_emit "nowindow"; exit 0; fi
D=$P/windows/$want
nfd_emit "window\${TAB}$want"
open=0
[ "$(nfd_window_get id)" = "$want" ] && open=1
nfd_emit "open\${TAB}$open"
for f in source start.out end.out counters-start.out counters-end.out collected.json; do
  if [ -f "$D/$f" ]; then nfd_emit "file\${TAB}$f"; cat "$D/$f"; echo; nfd_emit "endfile"; fi
done
if [ "$open" = 1 ]; then
  nfd_emit "file\${TAB}counters-now.out"
  ( ${countersScript()}
  )
  nfd_emit "endfile"
fi
if [ -s "$D/printk.sites" ]; then
  nfd_find_ddctl
  if [ -n "$NFD_DDCTL" ]; then
    nfd_emit "file\${TAB}printk-control"
    while read -r site fn; do
      awk -v site="$site" -v fn="$fn" '$1 == site { f = $2; sub(/^\\[[^]]*\\]/, "", f); if (f == fn) print }' "$NFD_DDCTL"
    done < "$D/printk.sites"
    nfd_emit "endfile"
  fi
fi
nfd_emit "end"
`;
}

function parseMarks(stdout: string): WindowFiles | null {
  let window = "";
  let open = false;
  const files = new Map<string, string>();
  let current: string | null = null;
  let lines: string[] = [];
  let ended = false;
  for (const line of stdout.split("\n")) {
    if (current !== null) {
      if (line === "@@endfile") {
        files.set(current, lines.join("\n"));
        current = null;
      } else lines.push(line);
      continue;
    }
    if (line === "@@nowindow") return null;
    if (line.startsWith("@@window\t")) window = line.slice(9);
    else if (line.startsWith("@@open\t")) open = line.slice(7) === "1";
    else if (line.startsWith("@@file\t")) {
      current = line.slice(7);
      lines = [];
    } else if (line === "@@end") ended = true;
  }
  if (!ended || !WINDOW_ID.test(window)) throw new MalformedAnswer("incomplete window marks");
  return { window, open, files };
}

function positionFrom(
  files: Map<string, string>,
  name: string,
  kind: SourceKind,
  detail: string,
): LogPosition | null {
  const text = files.get(name);
  if (text === undefined) return null;
  const parser = startPositionParser({ kind, detail: detail || null });
  for (const line of text.split("\n")) parser.push(line);
  return parser.finish().position;
}

export async function collectHost(conn: Connection, req: CollectRequest): Promise<CollectOutcome> {
  const host = conn.host.name;
  const marksResult = await conn.runScript(marksScript(req.window), { timeoutMs: req.timeoutMs });
  let marks: WindowFiles | null;
  try {
    marks = parseMarks(marksResult.stdout);
  } catch (err) {
    if (!(err instanceof MalformedAnswer)) throw err;
    throw new HostError(
      unreadableKind(marksResult.code),
      host,
      `could not read the window's log marks (exit ${marksResult.code}): ${marksResult.stderr.trim()}`,
      { cause: err },
    );
  }
  if (!marks) {
    return unchangedOutcome(host, {
      command: "collect",
      window: null,
      message: req.window ? `no window ${req.window} on this host` : "no window on this host",
    });
  }
  const [kind, detail = ""] = (marks.files.get("source") ?? "").split("\n")[0].split("\t");
  const counters = countersOf(marks.files);
  if (!kind) {
    return unchangedOutcome(host, {
      command: "collect",
      window: marks.window,
      records: 0,
      counters,
      warnings: ["no kernel log source was found on this host at apply time"],
    });
  }
  const { from, until } = recordedPositions(host, marks, kind as SourceKind, detail);

  const sites: PrintkSite[] = (marks.files.get("printk-control") ?? "")
    .split("\n")
    .flatMap((l) => parsePrintkSite(l) ?? []);
  const kernel =
    from.source === "file" ? undefined : from.boot_id ? `${from.boot_id}/${from.source}` : undefined;
  // Records this host delivered (a line of a shared kernel log counts for the first host only).
  let count = 0;
  const lines = collectLines(readParser(from, { until }), {
    host,
    classify: createKernelMessageClassifier(sites),
    onRecord: (record, item) => {
      if (req.sink.record(record, item.message, kernel) !== false) count++;
    },
  });
  const result = await conn.runScript(readScript(from, { until }), {
    timeoutMs: req.timeoutMs,
    onStdoutLine: lines.onLine,
  });
  let outcome;
  try {
    outcome = lines.finish();
  } catch (err) {
    if (!(err instanceof MalformedAnswer)) throw err;
    throw new HostError(
      unreadableKind(result.code),
      host,
      `reading the kernel log failed (exit ${result.code}): ${err.message} ${result.stderr.trim()}`,
      { cause: err },
    );
  }
  if (!req.peek) {
    const dir = `"$P/windows/"${shQuote(marks.window)}`;
    const ack = `${hostLibrary()}\nmkdir -p ${dir} && printf '%s\\n' ${shQuote(JSON.stringify(outcome.position))} > ${dir}/collected.json`;
    await conn.runScript(ack, { timeoutMs: req.timeoutMs });
  }
  const warnings = [...outcome.warnings];
  if (outcome.lost)
    warnings.push(
      `${outcome.lost} kernel log record(s) were lost (ring buffer wrapped): lines may be missing`,
    );
  return unchangedOutcome(host, {
    command: "collect",
    window: marks.window,
    open: marks.open,
    source: detail ? `${kind}:${detail}` : kind,
    records: count,
    lost: outcome.lost,
    warnings,
    // Hosts with the same kernel_log (namespaces or containers of one machine) read one log.
    ...(kernel ? { kernel_log: kernel } : {}),
    counters,
  });
}

/** Where to read from (the window's start, or the last collect) and up to (its end, once ended). */
function recordedPositions(
  host: string,
  marks: WindowFiles,
  kind: SourceKind,
  detail: string,
): { from: LogPosition; until?: LogPosition } {
  try {
    const start = positionFrom(marks.files, "start.out", kind, detail);
    if (!start) throw new HostError("remote", host, `window ${marks.window} has no recorded log start`);
    const collected = marks.files.get("collected.json");
    return {
      from: collected ? parseStoredPosition(collected) : start,
      until: positionFrom(marks.files, "end.out", kind, detail) ?? undefined,
    };
  } catch (err) {
    if (!(err instanceof MalformedAnswer)) throw err;
    throw new HostError(
      "protocol",
      host,
      `window ${marks.window}'s recorded log position is unreadable: ${err.message}`,
      { cause: err },
    );
  }
}

function countersOf(files: Map<string, string>): CounterDeltas | null {
  const before = files.get("counters-start.out");
  const after = files.get("counters-end.out") ?? files.get("counters-now.out");
  if (!before || !after) return null;
  try {
    return counterDeltas(parseCounters(before), parseCounters(after));
  } catch {
    return null;
  }
}
