// nfdebug apply: open a debug window on every host.
import { InputError } from "../../errors.js";
import { applyHost } from "../../engine/apply.js";
import { textfileDirOption } from "../optionValues.js";
import { KernelTurns } from "../../engine/kernelTurns.js";
import { summarise, type HostOutcome } from "../../engine/result.js";
import type { ApplyOutcome, FailedOutcome } from "../../engine/outcomes.js";
import { DEFAULT_WINDOW_MS, newWindowId, windowOwner } from "../../engine/window.js";
import { loadProfileFile } from "../files.js";
import { type FleetFlags, durationOption, positiveIntOption } from "../fleetOptions.js";
import { openFleet, finishFleet, type Fleet } from "../fleetContext.js";
import { runRollout, resolveCount } from "../../engine/rollout.js";
import { revertHost } from "../../engine/revert.js";
import { askYesNo, canAsk } from "../confirm.js";
import { applyLine, changeLines } from "../render.js";
import { appendHistory } from "../../audit/history.js";
import { applyHistory } from "../../audit/events.js";
import { checkWindowLength } from "../windowOptions.js";
import { formatDuration } from "../../duration.js";
import { readFacts } from "../../engine/readFacts.js";
import { unchangedOutcome } from "../../engine/result.js";
import { describeTrip, windowStatus } from "../../engine/status.js";

export interface ApplyFlags {
  for?: string;
  /** false with --no-limit. */
  windowLimit?: boolean;
  serial?: string;
  canary?: string;
  /** --canary-settle: how long the canaries' windows must run without tripping their log budget. */
  canarySettle?: string;
  yes?: boolean;
  maxFail?: string;
  keepOnAbort?: boolean;
  /** false with --no-timer. */
  timer?: boolean;
  textfileDir?: string;
}

function rolloutFlags(flags: ApplyFlags): {
  serial?: string;
  canary?: number;
  settleMs?: number;
  maxFail?: string;
} {
  const countOrPercent = /^(\d{1,6})%?$/;
  if (flags.serial !== undefined && (!countOrPercent.test(flags.serial) || /^0+%?$/.test(flags.serial)))
    throw new InputError(`--serial: "${flags.serial}" is not a host count or percentage (examples: 10, 25%)`);
  if (flags.maxFail !== undefined && !countOrPercent.test(flags.maxFail))
    throw new InputError(
      `--max-fail: "${flags.maxFail}" is not a host count or percentage (examples: 0, 2, 5%)`,
    );
  const canary = flags.canary === undefined ? undefined : positiveIntOption("canary", flags.canary);
  if (canary !== undefined && !flags.yes && !canAsk())
    throw new InputError("--canary asks for confirmation on a terminal; add --yes to go on without asking");
  if (flags.canarySettle !== undefined && canary === undefined)
    throw new InputError("--canary-settle needs --canary: it is how long the canary hosts run first");
  const settleMs =
    flags.canarySettle === undefined ? undefined : durationOption("canary-settle", flags.canarySettle);
  return { serial: flags.serial, canary, settleMs, maxFail: flags.maxFail };
}

async function confirmAfterCanary(canaries: HostOutcome[], total: number): Promise<boolean> {
  const failed = canaries.filter((o) => !o.ok).length;
  process.stderr.write(`canary: ${canaries.length - failed} ok, ${failed} failed\n`);
  return askYesNo(`Apply to the remaining ${total - canaries.length} host(s)?`);
}

/**
 * The health gate after the canaries: their windows run for `settleMs`, their facts read every few
 * seconds; a canary whose host reverted this window for going over its log budget stops the
 * rollout. Returns why, or null when every canary settled.
 */
async function canaryGate(
  fleet: Fleet,
  canaries: Array<ApplyOutcome | FailedOutcome>,
  window: string,
  settleMs: number,
): Promise<string | null> {
  const opened = new Set(canaries.filter((o) => o.ok && o.window === window).map((o) => o.host));
  const hosts = fleet.hosts.filter((h) => opened.has(h.name));
  const deadline = Date.now() + settleMs;
  process.stderr.write(`canary: ${hosts.length} window(s) settling for ${formatDuration(settleMs)}\n`);
  for (;;) {
    const { outcomes } = await runRollout(hosts, fleet.transport, { forks: fleet.forks }, async (conn) => {
      const last = windowStatus(await readFacts(conn, undefined, fleet.timeoutMs)).last;
      return unchangedOutcome(conn.host.name, { command: "status", window: null, last });
    });
    for (const o of outcomes) {
      if (!o.ok || o.last?.id !== window || o.last.how !== "tripped") continue;
      const what = o.last.trip ? describeTrip(o.host, o.last.trip) : `window tripped its budget on ${o.host}`;
      return `canary ${o.host} tripped its log budget (${what})`;
    }
    const left = deadline - Date.now();
    if (left <= 0) return null;
    await new Promise((resolve) => setTimeout(resolve, Math.min(left, 5000)));
  }
}

/** After an aborted rollout, revert this window on every host this run changed. */
async function revertChanged(
  fleet: Fleet,
  outcomes: Array<ApplyOutcome | FailedOutcome>,
  window: string,
): Promise<void> {
  const changed = new Map<string, ApplyOutcome>();
  for (const o of outcomes) if (o.ok && o.changed) changed.set(o.host, o);
  const hosts = fleet.hosts.filter((h) => changed.has(h.name));
  const { outcomes: reverts } = await runRollout(hosts, fleet.transport, { forks: fleet.forks }, (conn) =>
    revertHost(conn, { force: false, window, timeoutMs: fleet.timeoutMs }),
  );
  for (const r of reverts) {
    const o = changed.get(r.host);
    if (o) o.reverted_on_abort = r.ok;
    if (!r.ok)
      fleet.output.warn(
        `${r.host}: revert after abort failed (${r.error?.kind}): ${r.error?.message}; its timer will revert it`,
      );
  }
  fleet.output.warn(
    `nfdebug: reverted ${reverts.filter((r) => r.ok).length} of ${hosts.length} changed host(s)`,
  );
}

export async function apply(profileFile: string, flags: FleetFlags & ApplyFlags): Promise<void> {
  const profile = await loadProfileFile(profileFile);
  const windowMs = flags.for
    ? checkWindowLength(durationOption("for", flags.for), "--for", flags.windowLimit)
    : checkWindowLength(profile.windowMs ?? DEFAULT_WINDOW_MS, "the profile's window", flags.windowLimit);
  const rollout = rolloutFlags(flags);
  const textfileDir = flags.textfileDir === undefined ? undefined : textfileDirOption(flags.textfileDir);
  const window = newWindowId();
  const fleet = await openFleet(flags);
  const total = fleet.hosts.length;
  const tracker = fleet.track("apply");
  const kernels = new KernelTurns();
  const result = await runRollout<ApplyOutcome>(
    fleet.hosts,
    fleet.transport,
    {
      forks: fleet.forks,
      serial: resolveCount(rollout.serial, total),
      canary: rollout.canary,
      maxFail: resolveCount(rollout.maxFail, total),
      confirm:
        rollout.canary && (!flags.yes || rollout.settleMs !== undefined)
          ? async (canaries) => {
              if (rollout.settleMs !== undefined) {
                const why = await canaryGate(fleet, canaries, window, rollout.settleMs);
                if (why) return why;
              }
              return flags.yes ? true : confirmAfterCanary(canaries, total);
            }
          : undefined,
      onHostStart: tracker.onHostStart,
      onHostDone: tracker.onHostDone,
    },
    (conn) =>
      applyHost(conn, {
        profile,
        window,
        owner: windowOwner(),
        windowSeconds: Math.max(1, Math.round(windowMs / 1000)),
        timeoutMs: fleet.timeoutMs,
        noTimer: flags.timer === false,
        kernels,
        textfileDir,
      }),
  );
  tracker.finish();
  const outcomes = result.outcomes;
  if (result.aborted) {
    fleet.output.warn(`nfdebug: rollout stopped: ${result.aborted}`);
    if (!flags.keepOnAbort) await revertChanged(fleet, outcomes, window);
  }
  for (const o of outcomes) {
    if (!o.ok) continue;
    fleet.output.line(applyLine(o));
    for (const l of changeLines(o.changes)) fleet.output.line(`  ${l}`);
    for (const n of o.notes ?? []) fleet.output.line(`  = ${n}`);
    for (const w of o.warnings ?? []) fleet.output.warn(`${o.host}: warning: ${w}`);
  }
  appendHistory(applyHistory(outcomes, { window, profile: profile.name }), { warn: fleet.output.warn });
  finishFleet(fleet, { ...summarise("apply", outcomes, window), aborted: result.aborted });
}
