// Turns ajv's errors into located, human messages.
//
// Schemas may carry "x-error": a message template for their failures, either one string for every
// keyword but `required`/`additionalProperties`, or an object keyed by keyword. `{value}` in the
// template is replaced with the offending value, `{key}` with an unknown key.
import type { ErrorObject, ValidateFunction } from "ajv";
import type { Problem } from "../errors.js";
import { showValue, type Pointer, type SourceMap } from "./source-map.js";

type XError = string | Record<string, string>;

export function schemaProblems(validate: ValidateFunction, data: unknown, map: SourceMap): Problem[] {
  if (validate(data)) return [];
  const errors = relevantErrors(validate.errors ?? []);
  return errors.map((error) => toProblem(error, map));
}

/**
 * `if` errors only repeat their branch's errors. An anyOf/oneOf is reported once, by its own
 * message, not by the failures of each alternative (which would read as contradictions).
 */
function relevantErrors(errors: ErrorObject[]): ErrorObject[] {
  const alternatives = errors.filter((e) => e.keyword === "anyOf" || e.keyword === "oneOf");
  return errors.filter((error) => {
    if (error.keyword === "if") return false;
    return !alternatives.some(
      (alt) =>
        alt !== error &&
        error.schemaPath.startsWith(`${alt.schemaPath}/`) &&
        (error.instancePath === alt.instancePath || error.instancePath.startsWith(`${alt.instancePath}/`)),
    );
  });
}

function pointerOf(instancePath: string): string[] {
  if (instancePath === "") return [];
  return instancePath
    .slice(1)
    .split("/")
    .map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"));
}

function toProblem(error: ErrorObject, map: SourceMap): Problem {
  const pointer = pointerOf(error.instancePath);
  const params = error.params as Record<string, unknown>;
  let at: Pointer = pointer;
  let labelled: Pointer = pointer;
  let target: "key" | "value" = "value";
  let message: string;
  if (error.keyword === "additionalProperties") {
    const key = String(params.additionalProperty);
    const known = Object.keys((error.parentSchema?.properties as object | undefined) ?? {});
    at = [...pointer, key];
    target = "key";
    message =
      customMessage(error, key) ??
      `unknown key ${JSON.stringify(key)}${known.length ? ` (expected one of: ${known.join(", ")})` : ""}`;
  } else if (error.keyword === "uniqueItems") {
    const later = Math.max(Number(params.i), Number(params.j));
    const earlier = Math.min(Number(params.i), Number(params.j));
    at = [...pointer, String(later)];
    labelled = at;
    const item = (error.data as unknown[])[later];
    const first = map.position([...pointer, String(earlier)], "value");
    message = `${showValue(item)} is listed twice (first at line ${first.line})`;
  } else {
    message = customMessage(error) ?? defaultMessage(error);
  }
  const { line, col, file = map.file } = map.position(at, target);
  const label = map.label(labelled);
  return { file, line, col, message: label ? `${label}: ${message}` : message };
}

function customMessage(error: ErrorObject, key?: string): string | undefined {
  const template = error.parentSchema?.["x-error"] as XError | undefined;
  if (template === undefined) return undefined;
  let text: string | undefined;
  if (typeof template === "string") {
    if (error.keyword === "required" || error.keyword === "additionalProperties") return undefined;
    text = template;
  } else {
    text = template[error.keyword];
  }
  return text?.replace(/\{value\}/g, showValue(error.data)).replace(/\{key\}/g, JSON.stringify(key ?? ""));
}

const TYPE_NAMES: Record<string, string> = {
  string: "a string",
  integer: "an integer",
  number: "a number",
  boolean: "true or false",
  array: "a list",
  object: "a mapping (key: value)",
  null: "empty",
};

/** A collection or an empty value is named by its kind, a scalar shown as written. */
function typeMessage(value: unknown, wanted: string): string {
  if (value === null) return `must be ${wanted}, not empty`;
  if (Array.isArray(value)) return `must be ${wanted}, not a list`;
  if (typeof value === "object") return `must be ${wanted}, not a mapping`;
  return `${showValue(value)} must be ${wanted}`;
}

function defaultMessage(error: ErrorObject): string {
  const p = error.params as Record<string, unknown>;
  const value = showValue(error.data);
  switch (error.keyword) {
    case "type": {
      const wanted = String(p.type)
        .split(",")
        .map((t) => TYPE_NAMES[t] ?? t)
        .join(" or ");
      return typeMessage(error.data, wanted);
    }
    case "required":
      return `missing required key ${JSON.stringify(p.missingProperty)}`;
    case "enum":
      return `${value} must be one of: ${(p.allowedValues as unknown[]).map(String).join(", ")}`;
    case "const":
      return `${value} must be ${showValue(p.allowedValue)}`;
    case "pattern":
      return `${value} does not match the pattern ${String(p.pattern)}`;
    case "minimum":
      return `${value} must be at least ${String(p.limit)}`;
    case "maximum":
      return `${value} must be at most ${String(p.limit)}`;
    case "exclusiveMinimum":
      return `${value} must be greater than ${String(p.limit)}`;
    case "exclusiveMaximum":
      return `${value} must be less than ${String(p.limit)}`;
    case "minLength":
      return p.limit === 1
        ? "must not be empty"
        : `${value} is too short (at least ${String(p.limit)} characters)`;
    case "maxLength":
      return `${value} is too long (at most ${String(p.limit)} characters)`;
    case "minItems":
      return `must list at least ${String(p.limit)} item${p.limit === 1 ? "" : "s"}`;
    case "maxItems":
      return `must list at most ${String(p.limit)} item${p.limit === 1 ? "" : "s"}`;
    case "minProperties":
      return `must have at least ${String(p.limit)} key${p.limit === 1 ? "" : "s"}`;
    case "maxProperties":
      return `must have at most ${String(p.limit)} key${p.limit === 1 ? "" : "s"}`;
    case "not":
      return "this combination is not allowed";
    case "anyOf":
    case "oneOf":
      return `${value} does not match any of the allowed forms`;
    default:
      return error.message ?? `fails the schema rule ${error.keyword}`;
  }
}
