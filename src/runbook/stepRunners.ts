// One function per runbook step kind, each acting on the live hosts of the run's session.
import { writeFile, mkdir } from "node:fs/promises";
import { join } from "node:path";
import { applyHost } from "../engine/apply.js";
import { KernelTurns } from "../engine/kernelTurns.js";
import { collectHost, sharedKernelFilter, type CollectSink } from "../engine/collect.js";
import { revertHost } from "../engine/revert.js";
import { readFacts } from "../engine/readFacts.js";
import { unchangedOutcome } from "../engine/result.js";
import { windowTrip } from "../engine/status.js";
import type { FleetSession, PhaseOptions } from "../engine/session.js";
import type { HostOutcome } from "../engine/result.js";
import { HostError } from "../errors.js";
import { selectHosts } from "../inventory/limit.js";
import type { LogRecord } from "../logs/record.js";
import type { Profile } from "../profile/types.js";
import { failHost, type RunHost } from "./hostState.js";
import type { RunbookStep } from "./types.js";

export interface StepContext {
  session: FleetSession;
  hosts: Map<string, RunHost>;
  profile: Profile;
  window: string;
  owner: string;
  windowSeconds: number;
  timeoutMs: number;
  textfileDir?: string | null;
  outDir: string;
  sink: CollectSink;
  signal: AbortSignal;
  onHostDone?: (o: HostOutcome) => void;
}

/** Result of a step: ok, and a message for the manifest and report. */
export interface StepResult {
  ok: boolean;
  message: string;
}

function tally(outcomes: HostOutcome[], what: string): StepResult {
  const failed = outcomes.filter((o) => !o.ok).length;
  return {
    ok: failed === 0,
    message: `${what} on ${outcomes.length - failed} host(s)${failed ? `, ${failed} failed` : ""}`,
  };
}

/** Applies `profile` to the run's window on the session's hosts (or `only` these). */
function applyEach(
  ctx: StepContext,
  profile: Profile,
  options: Pick<PhaseOptions<HostOutcome>, "only" | "keepOnFailure">,
) {
  const kernels = new KernelTurns();
  return ctx.session.each(
    (conn) =>
      applyHost(conn, {
        profile,
        window: ctx.window,
        owner: ctx.owner,
        windowSeconds: ctx.windowSeconds,
        timeoutMs: ctx.timeoutMs,
        kernels,
        textfileDir: ctx.textfileDir,
      }),
    { ...options, onHostDone: ctx.onHostDone },
  );
}

export async function applyStep(ctx: StepContext): Promise<StepResult> {
  const outcomes = await applyEach(ctx, ctx.profile, {});
  for (const o of outcomes) {
    const h = ctx.hosts.get(o.host) as RunHost;
    if (!o.ok) {
      failHost(h, o.error);
      if (o.cancel) h.cancel = o.cancel;
    } else {
      h.applied = o.window !== null;
      h.changes = o.changes;
    }
  }
  return tally(outcomes, "window opened");
}

/**
 * A flow capture joins the open window on each host that applied: the same apply, with the flow
 * added to the profile, so it is journaled before tcpdump starts, rolled back if it cannot start,
 * and stopped by revert, by the host's timer at expiry and at reboot like any change of the window.
 */
export async function captureStep(
  ctx: StepContext,
  step: Extract<RunbookStep, { kind: "capture" }>,
): Promise<StepResult> {
  const applied = ctx.session.alive().filter((h) => ctx.hosts.get(h.name)?.applied);
  const only = step.hosts ? selectHosts(applied, step.hosts, `step ${step.index + 1} hosts`) : applied;
  const profile = { ...ctx.profile, flows: [step.flow] };
  const outcomes = await applyEach(ctx, profile, { only, keepOnFailure: true });
  for (const o of outcomes) {
    const h = ctx.hosts.get(o.host) as RunHost;
    if (!o.ok) failHost(h, o.error);
    else h.changes.push(...o.changes);
  }
  return tally(outcomes, `capturing flow ${step.flow.name}`);
}

export async function execStep(
  ctx: StepContext,
  step: Extract<RunbookStep, { kind: "exec" }>,
): Promise<StepResult> {
  const only = step.hosts
    ? selectHosts(ctx.session.alive(), step.hosts, `step ${step.index + 1} hosts`)
    : undefined;
  const dir = join(ctx.outDir, "exec");
  await mkdir(dir, { recursive: true });
  const outcomes = await ctx.session.each(
    async (conn) => {
      const r = await conn.runScript(step.command, { timeoutMs: step.timeoutMs });
      await writeFile(
        join(dir, `step${step.index + 1}-${conn.host.name}.log`),
        `$ ${step.command}\n${r.stdout}${r.stderr ? `\n[stderr]\n${r.stderr}` : ""}\n[exit ${r.code ?? r.signal}]\n`,
      );
      if (r.code !== 0)
        throw new HostError(
          "remote",
          conn.host.name,
          `exec exited with ${r.code ?? r.signal}: ${r.stderr.trim().split("\n").pop() ?? ""}`,
        );
      return { command: "exec", host: conn.host.name, ok: true, changed: false, changes: [], error: null };
    },
    { only, keepOnFailure: true, onHostDone: ctx.onHostDone },
  );
  return tally(outcomes, "command ran");
}

export function waitStep(ctx: StepContext, ms: number): Promise<StepResult> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      resolve({
        ok: !ctx.signal.aborted,
        message: ctx.signal.aborted ? "interrupted" : `waited ${ms / 1000}s`,
      });
    };
    const timer = setTimeout(done, ms);
    ctx.signal.addEventListener("abort", done, { once: true });
  });
}

export async function collectStep(ctx: StepContext): Promise<StepResult> {
  const outcomes = await ctx.session.each(
    (conn) => collectHost(conn, { window: ctx.window, timeoutMs: ctx.timeoutMs, sink: ctx.sink }),
    { keepOnFailure: true, onHostDone: ctx.onHostDone },
  );
  let records = 0;
  for (const o of outcomes) {
    const h = ctx.hosts.get(o.host) as RunHost;
    if (!o.ok) continue;
    h.records += o.records ?? 0;
    records += o.records ?? 0;
    if (o.counters) h.counters = o.counters;
    if (o.kernel_log) h.kernelLog = o.kernel_log;
    if (o.capture) h.capture = o.capture;
    if (o.flows) h.flows = o.flows;
    if (o.trip) h.trip = o.trip;
  }
  const r = tally(outcomes, "collected");
  return { ok: r.ok, message: `${records} record(s) ${r.message}` };
}

/** Polls (without advancing the collected position) until the condition holds or time runs out. */
export async function untilStep(
  ctx: StepContext,
  step: Extract<RunbookStep, { kind: "until" }>,
): Promise<StepResult> {
  const deadline = Date.now() + step.timeoutMs;
  for (;;) {
    let count = 0;
    let reasonSeen = false;
    // Hosts sharing a kernel log all see each line: count it once, as collect does.
    const sink = sharedKernelFilter({
      record(record: LogRecord) {
        count++;
        if (step.reasonId && record.reason_id === step.reasonId) reasonSeen = true;
      },
    });
    await ctx.session.each(
      (conn) => collectHost(conn, { window: ctx.window, timeoutMs: ctx.timeoutMs, sink, peek: true }),
      {
        keepOnFailure: true,
      },
    );
    const enough =
      (step.records === undefined || count >= step.records) && (step.reasonId === undefined || reasonSeen);
    if (enough) return { ok: true, message: `condition met: ${count} record(s)` };
    if (Date.now() + step.pollMs > deadline || ctx.signal.aborted)
      return {
        ok: false,
        message: ctx.signal.aborted
          ? "interrupted"
          : `timed out after ${step.timeoutMs / 1000}s with ${count} record(s)`,
      };
    await waitStep(ctx, step.pollMs);
  }
}

export async function revertStep(ctx: StepContext): Promise<StepResult> {
  const applied = ctx.session.hosts.filter(
    (h) => ctx.hosts.get(h.name)?.applied && ctx.hosts.get(h.name)?.reverted !== true,
  );
  const outcomes = await ctx.session.each(
    (conn) => revertHost(conn, { force: false, window: ctx.window, timeoutMs: ctx.timeoutMs }),
    { only: applied, keepOnFailure: true, onHostDone: ctx.onHostDone },
  );
  await captureTails(ctx);
  await closedTrips(
    ctx,
    outcomes.flatMap((o) => (o.ok && o.found !== "window" ? [o.host] : [])),
  );
  for (const o of outcomes) {
    const h = ctx.hosts.get(o.host) as RunHost;
    if (o.ok) {
      // Not found ("none", or "other" window open): the run's window was already closed by the
      // host, at expiry by its timer or earlier when it tripped its log budget.
      h.reverted = o.found === "window" ? true : h.trip ? "tripped" : "expired";
    } else {
      h.reverted = "failed";
      failHost(h, o.error);
    }
  }
  return tally(outcomes, "reverted");
}

/**
 * The hosts (by name) whose window the host itself already closed: which of them tripped its log
 * budget, as their history's "closed" line says (status reads the same line). A collect that saw
 * the trip already told; a host whose facts cannot be read now stays "expired", not failed.
 */
async function closedTrips(ctx: StepContext, names: string[]): Promise<void> {
  const only = ctx.session.hosts.filter((h) => names.includes(h.name) && !ctx.hosts.get(h.name)?.trip);
  if (only.length === 0) return;
  await ctx.session.each(
    async (conn) => {
      try {
        const facts = await readFacts(conn, undefined, ctx.timeoutMs);
        const trip = windowTrip(facts.history, ctx.window);
        const h = ctx.hosts.get(conn.host.name);
        if (trip && h) h.trip = trip;
      } catch {
        // How the window ended stays unknown: reported as expired.
      }
      return unchangedOutcome(conn.host.name, { command: "exec" as const });
    },
    { only, keepOnFailure: true },
  );
}

/**
 * After revert, the hosts whose window had a capture: its last packets and tcpdump's counters,
 * which tcpdump prints only when it stops. Failures here leave the host's earlier capture data.
 */
async function captureTails(ctx: StepContext): Promise<void> {
  const capturing = ctx.session.hosts.filter((h) => {
    const run = ctx.hosts.get(h.name);
    return run?.capture || run?.flows || run?.changes.some((c) => c.knob === "flow" || c.knob === "capture");
  });
  if (capturing.length === 0) return;
  const outcomes = await ctx.session.each(
    (conn) =>
      collectHost(conn, { window: ctx.window, timeoutMs: ctx.timeoutMs, sink: ctx.sink, captureOnly: true }),
    { only: capturing, keepOnFailure: true },
  );
  for (const o of outcomes) {
    const h = ctx.hosts.get(o.host) as RunHost;
    if (o.ok && o.capture) h.capture = o.capture;
    if (o.ok && o.flows) h.flows = o.flows;
  }
}
