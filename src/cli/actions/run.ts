// nfdebug run: a runbook, start to finish, leaving an artifact bundle with a report.
import { join } from "node:path";
import { planHost, planOutcome } from "../../engine/plan.js";
import { readFacts } from "../../engine/readFacts.js";
import { describeTrip } from "../../engine/status.js";
import { summarise, type FleetResult } from "../../engine/result.js";
import type { FailedOutcome, PlanOutcome, RunbookOutcome } from "../../engine/outcomes.js";
import type { RunHost } from "../../runbook/hostState.js";
import { DEFAULT_WINDOW_MS } from "../../engine/window.js";
import { formatDuration } from "../../duration.js";
import { selectHosts } from "../../inventory/limit.js";
import { loadRunbook } from "../../runbook/load.js";
import { textfileDirOption } from "../optionValues.js";
import { runRunbook } from "../../runbook/execute.js";
import { commandHeadline, type Runbook } from "../../runbook/types.js";
import { durationOption, type FleetFlags } from "../fleetOptions.js";
import { openFleet, finishFleet, type Fleet } from "../fleetContext.js";
import { changeLines } from "../render.js";
import { EXIT, HostsFailed, Interrupted } from "../exit.js";
import { retryPath, writeRetryFile } from "../retryFile.js";
import { appendHistory } from "../../audit/history.js";
import { runHistory } from "../../audit/events.js";
import { checkWindowLength } from "../windowOptions.js";

export interface RunFlags {
  out?: string;
  for?: string;
  /** false with --no-limit. */
  windowLimit?: boolean;
  dryRun?: boolean;
  textfileDir?: string;
}

function describeStep(step: Runbook["steps"][number]): string {
  switch (step.kind) {
    case "exec":
      return `exec${step.hosts ? ` on ${step.hosts}` : ""}: ${commandHeadline(step.command, 100)}`;
    case "wait":
      return `wait ${formatDuration(step.durationMs)}`;
    case "until":
      return `until ${step.records !== undefined ? `${step.records} record(s)` : ""}${step.reasonId ? ` ${step.reasonId} seen` : ""} (timeout ${formatDuration(step.timeoutMs)})`;
    default:
      return step.kind;
  }
}

/** A run's host as every fleet command prints one (schemas/result.schema.json), with its run details. */
function runHostOutcome(h: RunHost): RunbookOutcome {
  const { name, ok, error, changes, kernelLog, ...details } = h;
  return {
    command: "run",
    host: name,
    ok,
    // Changed during the window (and reverted since: see reverted).
    changed: changes.length > 0,
    changes,
    error: error ?? null,
    ...details,
    ...(kernelLog ? { kernel_log: kernelLog } : {}),
  };
}

function defaultOutDir(runbook: Runbook): string {
  const stamp = new Date()
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d+Z$/, "Z");
  return join("nfdebug-runs", `${runbook.name}-${stamp}`);
}

async function dryRun(fleet: Fleet, runbook: Runbook): Promise<void> {
  const outcomes = await fleet.run("plan", async (conn) => {
    const plan = planHost(runbook.profile, await readFacts(conn, runbook.profile, fleet.timeoutMs));
    return planOutcome(conn.host.name, plan);
  });
  fleet.output.line(
    `runbook ${runbook.name}: ${runbook.steps.length} step(s) on ${fleet.hosts.length} host(s) (dry run: nothing is changed)`,
  );
  runbook.steps.forEach((s, i) => fleet.output.line(`  ${i + 1}. ${describeStep(s)}`));
  for (const o of outcomes) {
    if (!o.ok) continue;
    fleet.output.line(
      `${o.host}: ${o.changes.length === 0 ? "no changes" : `${o.changes.length} change(s)`}`,
    );
    for (const l of changeLines(o.changes)) fleet.output.line(`  ${l}`);
  }
  // --json prints nothing but the result: the steps are part of it.
  const result: FleetResult<PlanOutcome | FailedOutcome> & { dry_run: true; steps: string[] } = {
    ...summarise("run", outcomes),
    dry_run: true,
    steps: runbook.steps.map(describeStep),
  };
  finishFleet(fleet, result);
}

export async function run(runbookFile: string, flags: FleetFlags & RunFlags): Promise<void> {
  const runbook = await loadRunbook(runbookFile);
  const windowMs = flags.for
    ? checkWindowLength(durationOption("for", flags.for), "--for", flags.windowLimit)
    : checkWindowLength(
        runbook.windowMs ?? runbook.profile.windowMs ?? DEFAULT_WINDOW_MS,
        "the runbook's window",
        flags.windowLimit,
      );
  const textfileDir = flags.textfileDir === undefined ? undefined : textfileDirOption(flags.textfileDir);
  const fleet = await openFleet(flags);
  if (runbook.hosts) fleet.hosts = selectHosts(fleet.hosts, runbook.hosts, `${runbookFile}: hosts`);
  if (flags.dryRun) return dryRun(fleet, runbook);

  const controller = new AbortController();
  let interrupts = 0;
  const onInterrupt = () => {
    interrupts += 1;
    if (interrupts === 1) {
      fleet.output.warn(
        "nfdebug: interrupted: finishing the current step, reverting every host, writing the bundle (Ctrl-C again to exit now; the hosts' timers will revert them)",
      );
      controller.abort();
    } else {
      fleet.output.warn("nfdebug: exiting now; open windows close by their host-side timers");
      process.exit(EXIT.interrupted);
    }
  };
  process.on("SIGINT", onInterrupt);
  process.on("SIGTERM", onInterrupt);
  try {
    const result = await runRunbook({
      runbook,
      hosts: fleet.hosts,
      transport: fleet.transport,
      forks: fleet.forks,
      timeoutMs: fleet.timeoutMs,
      windowMs,
      textfileDir,
      outDir: flags.out ?? defaultOutDir(runbook),
      commandLine: process.argv.slice(1),
      signal: controller.signal,
      onStep: (step) => fleet.output.warn(`nfdebug: step: ${step}`),
    });
    appendHistory(runHistory(result.hosts, { window: result.window, profile: runbook.profile.name }), {
      warn: fleet.output.warn,
    });
    const failed = result.hosts.filter((h) => !h.ok);
    if (fleet.output.json) {
      fleet.output.result({
        ...summarise("run", result.hosts.map(runHostOutcome), result.window),
        out: result.outDir,
        report: result.html,
        records: result.records,
        interrupted: result.interrupted,
        steps: result.steps,
      });
    } else {
      for (const s of result.steps)
        fleet.output.line(`${s.ok ? "ok    " : "FAILED"} ${s.name}: ${s.message ?? ""}`);
      // A trip is no failure: the host ended the window early, as designed (exit 0).
      for (const h of result.hosts)
        if (h.trip) fleet.output.line(`${h.name}: ${describeTrip(h.name, h.trip)}; reverted`);
      for (const h of failed) fleet.output.warn(`${h.name}: FAILED (${h.error?.kind}): ${h.error?.message}`);
      fleet.output.line(`${result.records} record(s); bundle: ${result.outDir}`);
      fleet.output.line(`report: ${result.html}`);
    }
    // Not process.exitCode: main() returns the exit code of a command that completed.
    if (failed.length > 0)
      fleet.output.warn(
        writeRetryFile(
          retryPath("run", result.outDir),
          failed.map((h) => h.name),
        ),
      );
    if (result.interrupted) throw new Interrupted();
    else if (failed.length > 0 || result.steps.some((s) => !s.ok))
      throw HostsFailed.of(failed.map((h) => h.error?.kind));
  } finally {
    process.off("SIGINT", onInterrupt);
    process.off("SIGTERM", onInterrupt);
  }
}
