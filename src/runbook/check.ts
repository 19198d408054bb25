// Runbook checks beyond the schema: positive durations, valid host patterns, a sensible step order.
import type { Problem } from "../errors.js";
import { parseDuration } from "../duration.js";
import { durationProblem, isRecord } from "../files/value-checks.js";
import { problemAt, showValue, type Pointer, type SourceMap } from "../files/source-map.js";
import { definitionValidator } from "../files/schema-registry.js";
import { parseLimit } from "../inventory/limit.js";
import { captureBoundsProblem } from "../profile/captureCheck.js";

const NEEDS_APPLY = new Set(["until", "capture", "collect", "revert", "report"]);

export function stepKindOf(step: unknown): string | undefined {
  if (typeof step === "string") return step;
  if (isRecord(step)) {
    const keys = Object.keys(step);
    if (keys.length === 1) return keys[0];
  }
  return undefined;
}

export function runbookMeaningProblems(map: SourceMap, data: unknown): Problem[] {
  if (!isRecord(data)) return [];
  const problems: Problem[] = [];
  const push = (p: Problem | undefined) => p && problems.push(p);
  push(durationProblem(map, data, ["window"]));
  push(limitProblem(map, data.hosts, ["hosts"]));
  if (!Array.isArray(data.steps)) return problems;
  let applied: number | undefined;
  let reverted: number | undefined;
  const captureNames = new Map<string, number>();
  data.steps.forEach((step, index) => {
    const at = ["steps", String(index)];
    const kind = stepKindOf(step);
    if (kind === undefined) return;
    const body = isRecord(step) ? step[kind] : undefined;
    if (kind === "apply") {
      if (applied !== undefined) {
        push(
          problemAt(
            map,
            at,
            `a runbook opens one window: this is a second apply (the first is step ${applied + 1})`,
          ),
        );
      }
      applied ??= index;
    } else if (NEEDS_APPLY.has(kind) && applied === undefined) {
      push(problemAt(map, at, `${kind} needs an apply step before it (apply opens the debug window)`));
    }
    if (kind === "revert") reverted ??= index;
    if (kind === "capture" && isRecord(body)) {
      push(limitProblem(map, body.hosts, [...at, "capture", "hosts"]));
      push(captureBoundsProblem(map, body, [...at, "capture"]));
      if (reverted !== undefined)
        push(
          problemAt(
            map,
            at,
            `the window is closed by then (revert is step ${reverted + 1}): capture a flow between apply and revert`,
          ),
        );
      const name = typeof body.name === "string" ? body.name : "flow";
      const first = captureNames.get(name);
      if (first !== undefined)
        push(
          problemAt(
            map,
            typeof body.name === "string" ? [...at, "capture", "name"] : at,
            `step ${first + 1} captures a flow named ${showValue(name)} already: give each capture step its own name (it names the pcap)`,
          ),
        );
      else captureNames.set(name, index);
    }
    if (kind === "wait") push(durationProblem(map, data, [...at, "wait"]));
    if (kind === "exec" && isRecord(body)) {
      push(durationProblem(map, data, [...at, "exec", "timeout"]));
      push(limitProblem(map, body.hosts, [...at, "exec", "hosts"]));
    }
    if (kind === "until" && isRecord(body)) {
      push(durationProblem(map, data, [...at, "until", "timeout"]));
      push(durationProblem(map, data, [...at, "until", "poll"]));
      const [timeout, poll] = [body.timeout, body.poll].map((v) =>
        typeof v === "string" ? parseDuration(v) : undefined,
      );
      if (timeout !== undefined && poll !== undefined && poll > timeout) {
        push(
          problemAt(
            map,
            [...at, "until", "poll"],
            `${showValue(body.poll)} is longer than the timeout ${showValue(body.timeout)}`,
          ),
        );
      }
    }
  });
  if (applied === undefined && data.steps.length > 0) {
    push(problemAt(map, ["steps"], "needs an apply step (apply opens the debug window)"));
  }
  return problems;
}

/** What the schema's pattern cannot see (balanced brackets); shapes it rejects are its to report. */
function limitProblem(map: SourceMap, value: unknown, pointer: Pointer): Problem | undefined {
  if (typeof value !== "string" || !definitionValidator("runbook", "limit")(value)) return undefined;
  const parsed = parseLimit(value);
  return "error" in parsed
    ? problemAt(map, pointer, `${showValue(value)} is not a host pattern: ${parsed.error}`)
    : undefined;
}
