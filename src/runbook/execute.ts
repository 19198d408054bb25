// Runs a runbook: its steps in order on one session, then — always — revert and the artifact
// bundle, also when a step failed or the operator interrupted the run.
import { unchangedOutcome, type HostOutcome } from "../engine/result.js";
import { createHash } from "node:crypto";
import { readFile, mkdir, writeFile } from "node:fs/promises";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { HostSpec } from "../inventory/types.js";
import type { Transport } from "../transport/types.js";
import { FleetSession } from "../engine/session.js";
import { readFacts } from "../engine/readFacts.js";
import { windowStatus } from "../engine/status.js";
import { RecordFiles } from "../engine/recordFiles.js";
import { sharedKernelFilter, sharedKernelNote } from "../engine/collect.js";
import { newWindowId, windowOwner } from "../engine/window.js";
import { LogAggregator } from "../logs/aggregate.js";
import { reasonInfoOf } from "../report/reasonInfo.js";
import type { LogRecord } from "../logs/record.js";
import { readBundle, writeBundle } from "../report/bundle.js";
import type { ReportCapture, ReportCounters, ReportFlow, ReportStep } from "../report/model.js";
import type { FlowCapture } from "../profile/types.js";
import { flowConnections, InvalidConnections, type FlowConnections } from "../capture/flowMatch.js";
import { CaptureFormatError } from "../capture/captured.js";
import type { CaptureCollected } from "../engine/collectCapture.js";
import { wholePcapRecords } from "../capture/pcapBytes.js";
import { writeReports } from "../report/write-reports.js";
import { NFDEBUG_VERSION } from "../version.js";
import { newRunHost, type RunHost } from "./hostState.js";
import {
  applyStep,
  captureStep,
  collectStep,
  execStep,
  revertStep,
  untilStep,
  waitStep,
  type StepContext,
  type StepResult,
} from "./stepRunners.js";
import { commandHeadline, type Runbook, type RunbookStep } from "./types.js";

export interface RunOptions {
  runbook: Runbook;
  hosts: HostSpec[];
  transport: Transport;
  forks: number;
  timeoutMs: number;
  windowMs: number;
  /** ApplyRequest.textfileDir. */
  textfileDir?: string | null;
  outDir: string;
  commandLine: string[];
  signal: AbortSignal;
  onStep?: (step: string) => void;
  onHostDone?: (o: HostOutcome) => void;
}

export interface RunResult {
  outDir: string;
  /** The window id this run opened (or tried to open) on its hosts. */
  window: string;
  hosts: RunHost[];
  steps: ReportStep[];
  records: number;
  interrupted: boolean;
  html: string;
}

const sha256 = async (file: string | undefined) =>
  file
    ? createHash("sha256")
        .update(await readFile(file))
        .digest("hex")
    : undefined;

function stepName(step: RunbookStep): string {
  switch (step.kind) {
    case "exec":
      return `exec: ${commandHeadline(step.command)}`;
    case "wait":
      return `wait ${step.durationMs / 1000}s`;
    case "capture":
      return `capture ${step.flow.name}: ${step.flow.interface} ${commandHeadline(step.flow.filter)}`;
    default:
      return step.kind;
  }
}

/** Facts of every host; after the run also of hosts that failed a step (did they change?). */
async function snapshotFacts(
  session: FleetSession,
  ctx: { runbook: Runbook; timeoutMs: number },
  hosts: Map<string, RunHost>,
  alsoFailed = false,
) {
  const facts: Record<string, unknown> = {};
  await session.each(
    async (conn) => {
      const f = await readFacts(conn, ctx.runbook.profile, ctx.timeoutMs);
      facts[conn.host.name] = f;
      const h = hosts.get(conn.host.name);
      if (h) h.kernel = f.kernel;
      return unchangedOutcome(conn.host.name, { command: "facts", facts: f, status: windowStatus(f) });
    },
    { keepOnFailure: true, alsoFailed },
  );
  return facts;
}

export async function runRunbook(opts: RunOptions): Promise<RunResult> {
  const { runbook } = opts;
  await mkdir(opts.outDir, { recursive: true });
  const startedAt = new Date().toISOString();
  const session = new FleetSession(opts.hosts, opts.transport, opts.forks);
  const hosts = new Map(opts.hosts.map((h) => [h.name, newRunHost(h.name)]));
  const files = new RecordFiles(opts.outDir);
  const aggregator = new LogAggregator();
  const flowSteps = runbook.steps.flatMap((s) => (s.kind === "capture" ? [s.flow] : []));
  // Only a runbook with flow captures keeps the INVALID connections the report matches them against.
  const flowMatch =
    flowSteps.length > 0 ? { flows: flowSteps, connections: new InvalidConnections() } : undefined;
  const sharedKernel = sharedKernelFilter({
    record(record: LogRecord, raw: string) {
      aggregator.add(record);
      files.write(record, raw);
      flowMatch?.connections.add(record);
    },
    capture: (host, stem, header, records) => files.capture(host, stem, header, records),
  });
  const ctx: StepContext = {
    session,
    hosts,
    profile: runbook.profile,
    window: newWindowId(),
    owner: windowOwner(),
    windowSeconds: Math.max(1, Math.round(opts.windowMs / 1000)),
    timeoutMs: opts.timeoutMs,
    textfileDir: opts.textfileDir,
    outDir: opts.outDir,
    signal: opts.signal,
    onHostDone: opts.onHostDone,
    sink: sharedKernel,
  };
  const steps: ReportStep[] = [];
  let windowStartedAt: string | undefined;
  let reverted = false;
  let failed = false;
  const run = async (name: string, body: () => Promise<StepResult>) => {
    opts.onStep?.(name);
    const started = new Date().toISOString();
    let result: StepResult;
    try {
      result = await body();
    } catch (err) {
      result = { ok: false, message: err instanceof Error ? err.message : String(err) };
    }
    steps.push({
      name,
      ok: result.ok,
      startedAt: started,
      endedAt: new Date().toISOString(),
      message: result.message,
    });
    return result;
  };

  try {
    const before = await snapshotFacts(session, { runbook, timeoutMs: opts.timeoutMs }, hosts);
    await writeJson(join(opts.outDir, "facts-before.json"), before);
    for (const step of runbook.steps) {
      if (opts.signal.aborted || failed) break;
      const name = stepName(step);
      let result: StepResult;
      switch (step.kind) {
        case "apply":
          windowStartedAt = new Date().toISOString();
          result = await run(name, () => applyStep(ctx));
          failed = session.alive().length === 0;
          break;
        case "exec":
          result = await run(name, () => execStep(ctx, step));
          failed = !result.ok;
          break;
        case "wait":
          result = await run(name, () => waitStep(ctx, step.durationMs));
          break;
        case "until":
          result = await run(name, () => untilStep(ctx, step));
          break;
        case "capture":
          result = await run(name, () => captureStep(ctx, step));
          failed = !result.ok;
          break;
        case "collect":
          result = await run(name, () => collectStep(ctx));
          break;
        case "revert":
          result = await run(name, () => revertStep(ctx));
          reverted = true;
          break;
        case "report":
          // Written once at the end, with every step's outcome.
          break;
      }
    }
  } finally {
    // Revert always: after a failed step, and after Ctrl-C.
    if (!reverted) await run("revert (always)", () => revertStep(ctx));
    const after = await snapshotFacts(session, { runbook, timeoutMs: opts.timeoutMs }, new Map(), true);
    await writeJson(join(opts.outDir, "facts-after.json"), after).catch(() => undefined);
    await session.close();
    await files.close();
  }
  const endedAt = new Date().toISOString();
  for (const outcome of session.failed()) {
    const h = hosts.get(outcome.host);
    if (h && h.ok) {
      h.ok = false;
      h.error = outcome.error ?? undefined;
    }
  }
  const summary = aggregator.summary();
  const reasonInfo = reasonInfoOf(summary);
  const runHosts = [...hosts.values()];
  if (sharedKernel.duplicates > 0)
    steps.push({
      name: "note",
      ok: true,
      startedAt: endedAt,
      endedAt,
      message: sharedKernelNote(sharedKernel.duplicates),
    });
  await writeBundle(
    opts.outDir,
    {
      runbook: {
        name: runbook.name,
        question: runbook.question ?? runbook.description ?? "",
        ...(runbook.description ? { description: runbook.description } : {}),
      },
      profile: { ...runbook.profile },
      startedAt,
      endedAt,
      window: { startedAt: windowStartedAt ?? startedAt, endedAt },
      hosts: runHosts.map((h) => ({
        name: h.name,
        ok: h.ok,
        ...(h.error ? { error: h.error } : {}),
        changes: h.changes,
        reverted: h.reverted,
        ...(h.trip ? { trip: h.trip } : {}),
        ...(h.counters ? { counters: reportCounters(h) } : {}),
        ...(h.kernel ? { kernel: h.kernel } : {}),
        ...(h.kernelLog ? { kernelLog: h.kernelLog } : {}),
        ...(h.capture ? { capture: reportCapture(h.capture, opts.outDir, files.pcapPath(h.name)) } : {}),
        ...(h.flows && flowMatch ? { flows: reportFlows(h, flowMatch, opts.outDir, files) } : {}),
      })),
      records: [],
      steps,
      reasonInfo,
      nfdebugVersion: NFDEBUG_VERSION,
    },
    { commandLine: opts.commandLine, recordsWritten: true },
  );
  await addManifestDetails(opts, runbook);
  const { html } = await writeReports(opts.outDir, await readBundle(opts.outDir));
  return {
    outDir: opts.outDir,
    window: ctx.window,
    hosts: runHosts,
    steps,
    records: summary.total,
    interrupted: opts.signal.aborted,
    html,
  };
}

function reportCapture(c: CaptureCollected, outDir: string, pcap: string | undefined): ReportCapture {
  return {
    backend: c.backend,
    ...(c.tcpdump ? { captured: c.tcpdump.captured, droppedByKernel: c.tcpdump.dropped_by_kernel } : {}),
    cutByBounds: c.cut_by_bounds,
    bytes: c.collected_bytes,
    ...(pcap ? { pcap, inFile: wholePcapRecords(readFileSync(join(outDir, pcap))).records } : {}),
  };
}

/** Each flow capture of a host, and which of its INVALID packets belong to the flow's connections. */
function reportFlows(
  h: RunHost,
  { flows, connections }: { flows: FlowCapture[]; connections: InvalidConnections },
  outDir: string,
  files: RecordFiles,
): ReportFlow[] {
  return (h.flows ?? []).map((f) => {
    const spec = flows.find((s) => s.name === f.name);
    const pcap = files.pcapPath(h.name, `flow-${f.name}`);
    const inFlow = pcap ? readFlow(join(outDir, pcap)) : undefined;
    const matched = connections.matched(h.name, inFlow?.connections);
    return {
      name: f.name,
      interface: spec?.interface ?? "",
      filter: spec?.filter ?? "",
      ...(f.tcpdump ? { captured: f.tcpdump.captured, droppedByKernel: f.tcpdump.dropped_by_kernel } : {}),
      cutByBounds: f.cut_by_bounds,
      inFile: inFlow?.packets ?? 0,
      ...(pcap ? { pcap } : {}),
      invalid: matched.invalid,
      invalidInFlow: matched.inFlow,
    };
  });
}

/** The flow's connections; undefined when the collected bytes are no capture (then nothing matches). */
function readFlow(path: string): FlowConnections | undefined {
  try {
    return flowConnections(readFileSync(path));
  } catch (err) {
    if (err instanceof CaptureFormatError) return undefined;
    throw err;
  }
}

function reportCounters(h: RunHost): ReportCounters {
  const c = h.counters;
  const out: ReportCounters = {};
  if (!c) return out;
  for (const [name, value] of Object.entries(c.deltas))
    if (value !== null) (out as Record<string, number>)[name] = value;
  if (c.count.after !== null) out.count = c.count.after;
  if (c.max !== null) out.max = c.max;
  return out;
}

/** Hashes and inventory hosts, beside what writeBundle put in the manifest. */
async function addManifestDetails(opts: RunOptions, runbook: Runbook): Promise<void> {
  const path = join(opts.outDir, "manifest.json");
  const manifest = JSON.parse(await readFile(path, "utf8"));
  manifest.runbook = { ...manifest.runbook, path: runbook.file, sha256: await sha256(runbook.file) };
  manifest.profile = {
    ...manifest.profile,
    ...(runbook.profileFile
      ? { path: runbook.profileFile, sha256: await sha256(runbook.profileFile) }
      : { inline: true }),
  };
  manifest.inventoryHosts = opts.hosts.map((h) => ({
    name: h.name,
    address: h.address,
    port: h.port,
    user: h.user,
  }));
  await writeJson(path, manifest);
}

async function writeJson(path: string, value: unknown): Promise<void> {
  await writeFile(path, `${JSON.stringify(value, null, 2)}\n`);
}
