// Small semantic checks shared by profiles, inventories and runbooks, run after the schema.
import type { Problem } from "../errors.js";
import { parseDuration } from "../duration.js";
import { problemAt, showValue, type Pointer, type SourceMap } from "./source-map.js";

/** The value at a pointer, or undefined when any step is missing. */
export function valueAt(data: unknown, pointer: Pointer): unknown {
  let node = data;
  for (const segment of pointer) {
    if (node === null || typeof node !== "object") return undefined;
    node = (node as Record<string, unknown>)[segment];
  }
  return node;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

const DURATION_SHAPE = /^([0-9]{1,9}(ms|s|m|h|d))+$/;

/**
 * The schema checks the shape of a duration; this catches what a pattern cannot: zero ("0s")
 * and totals too large to represent.
 */
export function durationProblem(map: SourceMap, data: unknown, pointer: Pointer): Problem | undefined {
  const value = valueAt(data, pointer);
  if (typeof value !== "string" || !DURATION_SHAPE.test(value)) return undefined;
  if (parseDuration(value) !== undefined) return undefined;
  return problemAt(map, pointer, `${showValue(value)} must be longer than zero`);
}
