// Collect on one host: the window's kernel log lines since the last collect (or the window's
// start), up to its end once it has ended, parsed into records and streamed to a sink, with the
// conntrack counter deltas over the window. Three short round trips on one connection:
// read the window's marks, stream the lines, then acknowledge the new position.
import { unchangedOutcome } from "./result.js";
import type { CollectOutcome } from "./outcomes.js";
import { HostError, MalformedAnswer } from "../errors.js";
import { parsePrintkSite } from "../kinds/printk/facts.js";
import type { PrintkSite } from "../facts/types.js";
import { counterDeltas, countersShell, parseCounters, type CounterDeltas } from "../logs/counters.js";
import { collectLines } from "../logs/collect-lines.js";
import { createKernelMessageClassifier } from "../logs/printk.js";
import { parseStoredPosition, readParser, readScript, startPositionParser } from "../logs/sources/reader.js";
import type { LogPosition } from "../logs/sources/types.js";
import type { LogRecord } from "../logs/record.js";
import type { SourceKind } from "../logs/sources/types.js";
import { framedFiles, parseFrames } from "../shell/frame.js";
import { call } from "../shell/quote.js";
import { shippedFile } from "../shell/shipped.js";
import type { Connection } from "../transport/types.js";
import { hostLibrary, windowArg } from "./host/scripts.js";
import { unreadableKind } from "./hostOutput.js";
import type { CollectSink } from "./sharedKernel.js";
import { WINDOW_ID } from "./window.js";
import { windowTrip, type BudgetTrip } from "./status.js";
import { parseHistory } from "../facts/parse.js";
import {
  captureMarks,
  collectCapture,
  collectFlow,
  NFLOG_STEM,
  type CaptureCollected,
  type CaptureMark,
  type FlowCollected,
} from "./collectCapture.js";

export { sharedKernelFilter, sharedKernelNote, type CollectSink } from "./sharedKernel.js";

export interface CollectRequest {
  window?: string;
  timeoutMs?: number;
  sink: CollectSink;
  /** Do not advance the host's collected position (a peek, e.g. `until` polling). */
  peek?: boolean;
  /** Only the NFLOG capture's new bytes and counters (a runbook's last look, after revert). */
  captureOnly?: boolean;
}

interface WindowFiles {
  window: string;
  open: boolean;
  /** The window's profile name; null when the host no longer knows it. */
  profile: string | null;
  files: Map<string, string>;
  captures: CaptureMark[];
  /** The window ended by tripping its log budget (its history's "closed" line). */
  trip?: BudgetTrip;
}

const COLLECT_SH = new URL("./collect.sh", import.meta.url);
/** What a profile's name may be (schemas/profile.schema.json): anything else is not passed on. */
const PROFILE_NAME = /^[a-z0-9][a-z0-9._-]{0,62}$/;

/**
 * The sink with the window's id and profile set on each record (record schema 2), so that a log
 * system can group records by window; the record's own fields come first, as the parser made them.
 */
function windowSink(sink: CollectSink, marks: WindowFiles): CollectSink {
  const stamp = (record: LogRecord) => {
    record.window_id = marks.window;
    if (marks.profile) record.profile = marks.profile;
  };
  return {
    record: (record, raw, kernel) => {
      stamp(record);
      return sink.record(record, raw, kernel);
    },
    ...(sink.capture ? { capture: sink.capture.bind(sink) } : {}),
  };
}

/** The library, the counters, collect.sh, then one call (its functions say what they print). */
function collectScript(line: string): string {
  return [hostLibrary(), countersShell(), shippedFile(COLLECT_SH), line].join("\n");
}

function parseMarks(stdout: string): WindowFiles | null {
  const frames = parseFrames(stdout);
  if (frames.some((f) => f.tag === "nowindow")) return null;
  const marks = frames.find((f) => f.tag === "marks");
  if (!marks || !frames.some((f) => f.tag === "end") || !WINDOW_ID.test(marks.fields[0]))
    throw new MalformedAnswer("incomplete window marks");
  const window = marks.fields[0];
  const files = framedFiles(frames);
  const trip = windowTrip(parseHistory((files.get("closed") ?? "").split("\n")), window);
  return {
    window,
    open: marks.fields[1] === "1",
    profile: PROFILE_NAME.test(marks.fields[2] ?? "") ? marks.fields[2] : null,
    files,
    captures: captureMarks(frames),
    ...(trip ? { trip } : {}),
  };
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
  const marksScript = collectScript(call("nfd_collect_marks", req.window ? windowArg(req.window) : ""));
  const marksResult = await conn.runScript(marksScript, { timeoutMs: req.timeoutMs });
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
  req = { ...req, sink: windowSink(req.sink, marks) };
  const sourceFile = marks.files.get("source");
  const [kind, detail = ""] = parseFrames(sourceFile ?? "").find((f) => f.tag === "source")?.fields ?? [];
  // "kind<TAB>detail" without a frame: the marks of a version before the host protocol.
  if (sourceFile && !kind)
    throw new HostError(
      "protocol",
      host,
      `window ${marks.window}'s log marks were written by an earlier nfdebug version; collect it with that version`,
    );
  const counters = countersOf(marks.files);
  // The NFLOG backend's packets and the flows (kind capture): read whatever the kernel log holds as well.
  const capture = await collectCaptures(conn, marks, req);
  if (req.captureOnly)
    return unchangedOutcome(host, {
      command: "collect",
      window: marks.window,
      ...(marks.trip ? { trip: marks.trip } : {}),
      records: capture.capture?.records ?? 0,
      ...capture,
    });
  if (!kind) {
    return unchangedOutcome(host, {
      command: "collect",
      window: marks.window,
      ...(marks.trip ? { trip: marks.trip } : {}),
      records: capture.capture?.records ?? 0,
      counters,
      warnings: ["no kernel log source was found on this host at apply time"],
      ...capture,
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
  // INVALID lines in this host's log (shared kernel logs: all of them), for the host's own count.
  let invalid = 0;
  const lines = collectLines(readParser(from, { until }), {
    host,
    classify: createKernelMessageClassifier(sites),
    onRecord: (record, item) => {
      if (record.kind === "invalid") invalid++;
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
    const ack = call("nfd_collected", windowArg(marks.window), JSON.stringify(outcome.position), invalid);
    await conn.runScript(collectScript(ack), { timeoutMs: req.timeoutMs });
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
    ...(marks.trip ? { trip: marks.trip } : {}),
    source: detail ? `${kind}:${detail}` : kind,
    records: count + (capture.capture?.records ?? 0),
    lost: outcome.lost,
    warnings,
    // Hosts with the same kernel_log (namespaces or containers of one machine) read one log.
    ...(kernel ? { kernel_log: kernel } : {}),
    counters,
    ...capture,
  });
}

/** The window's captures, one after the other: the NFLOG one (records) and the flows (bytes). */
async function collectCaptures(
  conn: Connection,
  marks: WindowFiles,
  req: CollectRequest,
): Promise<{ capture?: CaptureCollected; flows?: FlowCollected[] }> {
  const out: { capture?: CaptureCollected; flows?: FlowCollected[] } = {};
  for (const mark of marks.captures) {
    const capture = {
      window: marks.window,
      mark,
      files: marks.files,
      sink: req.sink,
      peek: req.peek,
      timeoutMs: req.timeoutMs,
    };
    if (mark.stem === NFLOG_STEM) out.capture = await collectCapture(conn, capture);
    else (out.flows ??= []).push(await collectFlow(conn, capture));
  }
  return out;
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
