// The apply phase on one host: facts → plan → one script that journals, changes, and arms the
// dead-man's switch. All or nothing per host.
import { HostError } from "../errors.js";
import type { HostFacts } from "../facts/types.js";
import { renderStep, sysctlName, type Change } from "../knobs/step.js";
import type { Profile } from "../profile/types.js";
import type { Connection } from "../transport/types.js";
import { call, applyScript, ownerArg, secondsArg, windowArg } from "./host/scripts.js";
import { epochIso, hostLines, throwIfLocked } from "./hostOutput.js";
import { planHost, type HostPlan } from "./plan.js";
import type { HostOutcome } from "./result.js";
import { readFacts } from "./readFacts.js";
import { InterruptedApply } from "./cancel.js";
import { windowMarkLines } from "./windowMarks.js";
import type { DetectedSource } from "../logs/sources/detect.js";

export interface ApplyRequest {
  profile: Profile;
  window: string;
  owner: string;
  windowSeconds: number;
  timeoutMs?: number;
  /** Extra script lines run inside the transaction before commit (e.g. recording a log position). */
  extraLines?: string[];
}

export function renderApply(
  req: ApplyRequest,
  plan: HostPlan,
  logSource: DetectedSource | null = null,
): string {
  return applyScript([
    call(
      "nfd_begin",
      windowArg(req.window),
      ownerArg(req.owner),
      req.profile.name,
      secondsArg(req.windowSeconds),
    ),
    ...windowMarkLines(logSource),
    ...plan.steps.map(renderStep),
    ...(req.extraLines ?? []),
  ]);
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

export async function applyHost(conn: Connection, req: ApplyRequest): Promise<HostOutcome> {
  const host = conn.host.name;
  const facts: HostFacts = await readFacts(conn, req.profile, req.timeoutMs);
  // Without root the journal directory cannot even be created; say why instead of "locked".
  if (facts.uid !== 0) {
    throw new HostError(
      "become",
      host,
      `logged in as ${conn.host.user} (uid ${facts.uid}), not root, and become is off: set become: true in the inventory (or --become) to use sudo -n, or log in as root`,
    );
  }
  const plan = planHost(req.profile, facts);
  if (plan.problems.length > 0) throw new HostError("unsupported", host, plan.problems.join("; "));
  const open = facts.window;
  if (open && open.bootId === facts.bootId && open.profile !== req.profile.name) {
    throw openWindowError(host, open);
  }
  if (plan.steps.length === 0) {
    return {
      host,
      ok: true,
      changed: false,
      changes: [],
      error: null,
      window: open?.id ?? null,
      message: "no changes",
    };
  }
  let result;
  try {
    result = await conn.runScript(renderApply(req, plan, facts.logSources?.preferred ?? null), {
      timeoutMs: req.timeoutMs,
    });
  } catch (err) {
    // The script may have run (or still run) on the host: see cancelInterruptedApply.
    throw err instanceof HostError && (err.kind === "unreachable" || err.kind === "timeout")
      ? new InterruptedApply(err, req.window)
      : err;
  }
  return interpretApply(host, result.stdout, result.stderr, result.code);
}

/** A "@@change\tkind\tkey\tfrom\tto" line as a user-facing change. */
export function hostChange([kind, key, from, to]: string[]): Change {
  const sideEffect = kind.startsWith("side-effect");
  if (kind === "module" || kind === "side-effect-module")
    return { knob: "modules", key, from, to, ...(sideEffect ? { side_effect: true } : {}) };
  if (kind === "printk") return { knob: "printk", key, from, to };
  const knob = key.endsWith("nf_conntrack_log_invalid")
    ? "log_invalid"
    : key.endsWith("nf_log_all_netns")
      ? "nf_log_all_netns"
      : "nf_log";
  return { knob, key: sysctlName(key), from, to, ...(sideEffect ? { side_effect: true } : {}) };
}

/** Turns the apply script's "@@" lines into an outcome, or the right HostError. */
export function interpretApply(
  host: string,
  stdout: string,
  stderr: string,
  code: number | null,
): HostOutcome {
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
    const rolledBack = lines.some((l) => l.tag === "rollback-revert");
    const [kind, message] = fail.fields;
    throw new HostError(
      (["unsupported", "drift", "remote"].includes(kind) ? kind : "remote") as
        "unsupported" | "drift" | "remote",
      host,
      `${message}${rolledBack ? " (rolled back: nothing left changed)" : ""}`,
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
  const timer = lines.find((l) => l.tag === "timer");
  return {
    host,
    ok: true,
    changed: changes.length > 0,
    changes,
    error: null,
    window: state === "nochange" ? null : window,
    ...(expires ? { expires: epochIso(Number(expires)) } : {}),
    ...(timer ? { timer: timer.fields[0] } : {}),
    ...(state === "same" ? { message: "window already open with this profile" } : {}),
  };
}
