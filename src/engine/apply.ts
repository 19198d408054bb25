// The apply phase on one host: facts → plan → one script that journals, changes, and arms the
// dead-man's switch. All or nothing per host.
import { unchangedOutcome } from "./result.js";
import type { ApplyOutcome } from "./outcomes.js";
import { HostError, type HostErrorKind } from "../errors.js";
import type { HostFacts } from "../facts/types.js";
import { hostKey, hostReportedChange, renderStep } from "../kinds/registry.js";
import type { Change } from "../kinds/types.js";
import { MalformedAnswer } from "../errors.js";
import { windowBudget, type Profile } from "../profile/types.js";
import { followUpOutput } from "../transport/followUp.js";
import type { Connection } from "../transport/types.js";
import type { HostSpec } from "../inventory/types.js";
import {
  call,
  applyScript,
  budgetArg,
  ownerArg,
  secondsArg,
  windowArg,
  type ApplyScriptOptions,
} from "./host/scripts.js";
import { epochIso, hostLines, requireFields, throwIfLocked, type HostLine } from "./hostOutput.js";
import { planHost, supportedPlan, type HostPlan } from "./plan.js";
import { factsOrError, readFactsScript } from "./readFacts.js";
import { FACTS_END } from "../facts/sections.js";
import { InterruptedApply } from "./interruptedApply.js";
import { windowMarkLines } from "./windowMarks.js";
import type { DetectedSource } from "../logs/sources/detect.js";
import type { KernelTurn, KernelTurns } from "./kernelTurns.js";

/** Debian's prometheus-node-exporter reads its textfiles there (its --collector.textfile.directory). */
export const DEFAULT_TEXTFILE_DIR = "/var/lib/prometheus/node-exporter";

export interface ApplyRequest {
  profile: Profile;
  window: string;
  owner: string;
  windowSeconds: number;
  timeoutMs?: number;
  /** --no-timer: open the window without a dead-man's switch (hosts that cannot arm one). */
  noTimer?: boolean;
  /** Shared by the hosts of one run: who sets the kernel-global settings of a shared kernel. */
  kernels?: KernelTurns;
  /**
   * node_exporter's textfile collector directory, where the host writes nfdebug.prom while the
   * window is open (if the directory exists there); default DEFAULT_TEXTFILE_DIR, null: none. The
   * inventory's textfile_dir for the host beats it.
   */
  textfileDir?: string | null;
}

/** The host's own textfile directory (the inventory's textfile_dir) over the run's. */
function withHostTextfileDir(req: ApplyRequest, host: HostSpec): ApplyRequest {
  return host.textfileDir === undefined ? req : { ...req, textfileDir: host.textfileDir };
}

export function renderApply(
  req: ApplyRequest,
  plan: HostPlan,
  logSource: DetectedSource | null = null,
  options: ApplyScriptOptions = {},
): string {
  return applyScript(
    req.window,
    [
      call(
        "nfd_textfile_dir",
        req.textfileDir === undefined ? DEFAULT_TEXTFILE_DIR : (req.textfileDir ?? ""),
      ),
      call(
        "nfd_begin",
        windowArg(req.window),
        ownerArg(req.owner),
        req.profile.name,
        secondsArg(req.windowSeconds),
        req.noTimer ? "none" : "timer",
        budgetArg(windowBudget(req.profile)),
      ),
      ...windowMarkLines(logSource),
      ...plan.steps.map(renderStep),
    ],
    options,
  );
}

/** Why apply refuses a host: another profile's window is open there. */
function openWindowError(
  host: string,
  w: { id: string; profile: string; owner: string; expires: number },
): HostError {
  return new HostError(
    "locked",
    host,
    `window ${w.id} (profile ${w.profile}) is open, owned by ${w.owner}, expires ${epochIso(w.expires)}; revert it or wait`,
  );
}

/** The plan for this host, or the HostError that says why apply must not touch it. */
function decide(conn: Connection, req: ApplyRequest, facts: HostFacts): HostPlan {
  const host = conn.host.name;
  // Without root the journal directory cannot even be created; say why instead of "locked".
  if (facts.uid !== 0) {
    throw new HostError(
      "become",
      host,
      `logged in as ${conn.host.user} (uid ${facts.uid}), not root, and become is off: set become: true in the inventory (or --become) to use sudo -n, or log in as root`,
    );
  }
  const plan = supportedPlan(host, planHost(req.profile, facts, { noTimer: req.noTimer }));
  const open = facts.window;
  // "opening": a run that died mid-way (the host rolls it back under its lock) or one still
  // running (the host refuses under its lock once it committed).
  if (open && open.bootId === facts.bootId && open.state !== "opening" && open.profile !== req.profile.name) {
    throw openWindowError(host, open);
  }
  return plan;
}

/**
 * One round trip: the facts script runs, the controller plans from its output while the host's
 * shell waits, and the apply script (if there is anything to do) follows on the same stdin.
 */
export async function applyHost(conn: Connection, req: ApplyRequest): Promise<ApplyOutcome> {
  const host = conn.host.name;
  let facts: HostFacts | undefined;
  let applySent = false;
  let warnings: string[] = [];
  let notes: string[] = [];
  let turn: KernelTurn | undefined;
  let result;
  try {
    result = await conn.runScript(readFactsScript(req.profile), {
      timeoutMs: req.timeoutMs,
      followUp: {
        afterLine: FACTS_END,
        next: async (stdout) => {
          facts = factsOrError(host, stdout, "", null);
          let plan = decide(conn, req, facts);
          warnings = plan.warnings;
          notes = plan.notes;
          if (req.kernels) {
            turn = await req.kernels.turn(host, facts, plan);
            plan = turn.plan;
          }
          // Nothing to change, unless the open window's switch died: the apply arms it again.
          if (plan.steps.length === 0 && facts.window?.switch !== "dead") return null;
          applySent = true;
          return renderApply(withHostTextfileDir(req, conn.host), plan, facts.logSources?.preferred ?? null, {
            installed: facts.installedScripts,
            libraryLoaded: true,
          });
        },
      },
    });
  } catch (err) {
    turn?.done([]);
    // The script may have run (or still run) on the host: see cancelInterruptedApply.
    throw applySent && err instanceof HostError && (err.kind === "unreachable" || err.kind === "timeout")
      ? new InterruptedApply(err, req.window, req.timeoutMs)
      : err;
  }
  try {
    if (!facts) {
      factsOrError(host, result.stdout, result.stderr, result.code);
      throw new HostError("remote", host, "the facts script ended before planning");
    }
    const outcome: ApplyOutcome = applySent
      ? interpretApply(host, followUpOutput(result.stdout, FACTS_END), result.stderr, result.code)
      : unchangedOutcome(host, {
          command: "apply",
          state: "unchanged",
          window: facts.window?.id ?? null,
          message: "no changes",
        });
    turn?.done(outcome.changes);
    const allWarnings = [...warnings, ...(outcome.warnings ?? [])];
    return {
      ...outcome,
      ...(allWarnings.length > 0 ? { warnings: allWarnings } : {}),
      ...(notes.length > 0 ? { notes } : {}),
    };
  } finally {
    turn?.done([]); // a failed apply rolled back: the next host of this kernel plans without it
  }
}

/**
 * A "@@change\tKIND:KNOB\tkey\tfrom\tto[\tside-effect]" line (or a restored one) as a user-facing
 * change: the host names the kind and knob, the kind says how its key reads.
 */
export function hostChange(fields: string[]): Change {
  const [type, key, from, to, flag] = requireFields(fields, 4);
  const change = hostReportedChange(type, key, from, to);
  if (!change) throw new MalformedAnswer(`unknown change type ${JSON.stringify(type)}`);
  return flag === "side-effect" ? { ...change, side_effect: true } : change;
}

/** Kinds a host script may name in "@@fail\tKIND\tmessage". */
const FAIL_KINDS = new Set(["unsupported", "drift", "remote", "host-storage"]);

/**
 * What the rollback after a failed step achieved. Only a rollback that restored everything says
 * "nothing left changed"; one that could not leaves the window open with its switch armed.
 */
function rollbackNote(lines: HostLine[]): string {
  const end = lines.find((l) => l.tag === "rollback-revert");
  if (!end) return "";
  const [state, window] = end.fields;
  if (state === "done" || state === "partial") return " (rolled back: nothing left changed)";
  const left = lines
    .filter((l) => ["rollback-drift", "rollback-failed", "rollback-inuse"].includes(l.tag))
    .map((l) => hostKey(l.fields[0], l.fields[1]));
  return ` (rollback incomplete: LEFT CHANGED: ${left.join(", ") || "see status"}; window ${window} stays open and its dead-man's switch tries again at expiry; see nfdebug status)`;
}

/** Turns the apply script's "@@" lines into an outcome, or the right HostError. */
export function interpretApply(
  host: string,
  stdout: string,
  stderr: string,
  code: number | null,
): ApplyOutcome {
  const lines = hostLines(stdout);
  const changes: Change[] = lines.filter((l) => l.tag === "change").map((l) => hostChange(l.fields));
  const refused = lines.find((l) => l.tag === "refused");
  if (refused) {
    const [id, owner, profile, expires] = refused.fields;
    throw openWindowError(host, { id, owner, profile, expires: Number(expires) });
  }
  throwIfLocked(lines, host);
  const fail = lines.find((l) => l.tag === "fail");
  if (fail) {
    const [kind, message] = fail.fields;
    throw new HostError(
      FAIL_KINDS.has(kind) ? (kind as HostErrorKind) : "remote",
      host,
      `${message}${rollbackNote(lines)}`,
    );
  }
  const done = lines.find((l) => l.tag === "done");
  if (!done || code !== 0) {
    throw new HostError(
      "remote",
      host,
      `apply did not finish (exit ${code}): ${stderr.trim().split("\n").slice(-3).join(" ")}`,
    );
  }
  const [state, window, expires] = done.fields;
  // The textfile could not be written: the window is open all the same.
  const textfile = lines
    .filter((l) => l.tag === "warn" && l.fields[0] === "textfile")
    .map((l) => l.fields[1]);
  const answered = {
    command: "apply",
    host,
    ok: true,
    changed: changes.length > 0,
    changes,
    error: null,
  } as const;
  if (state === "nochange") return { ...answered, state: "unchanged", window: null, message: "no changes" };
  requireFields(done.fields, 3);
  const timer = lines.find((l) => l.tag === "timer");
  const opened = { window, expires: epochIso(Number(expires)), ...(timer ? { timer: timer.fields[0] } : {}) };
  if (state !== "same")
    return {
      ...answered,
      state: "opened",
      ...opened,
      ...(textfile.length > 0 ? { warnings: textfile } : {}),
    };
  return {
    ...answered,
    state: "joined",
    ...opened,
    message:
      timer?.fields[0] === "rearmed"
        ? `window already open with this profile; its dead-man's switch had died and was armed again (${timer.fields[1]})`
        : "window already open with this profile",
  };
}
