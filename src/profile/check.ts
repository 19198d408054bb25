// Semantic checks on a profile that the schema cannot express. They run even when the schema
// failed, so that every problem is reported at once; each check looks only at well-typed values.
import type { Problem } from "../errors.js";
import { durationProblem, isRecord, valueAt } from "../files/value-checks.js";
import { problemAt, showValue, type Pointer, type SourceMap } from "../files/source-map.js";
import { captureProblems } from "./captureCheck.js";

/** Problems in the profile found at `base` (the root for a profile file, ["profile"] in a runbook). */
export function profileMeaningProblems(map: SourceMap, data: unknown, base: Pointer = []): Problem[] {
  const profile = valueAt(data, base);
  if (!isRecord(profile)) return [];
  const problems: Problem[] = [];
  const window = durationProblem(map, data, [...base, "window"]);
  if (window) problems.push(window);
  problems.push(...captureProblems(map, profile, base));
  const printk = profile.printk;
  if (Array.isArray(printk)) {
    printk.forEach((selector, index) => {
      if (isRecord(selector))
        problems.push(...selectorProblems(map, selector, [...base, "printk", String(index)]));
    });
  }
  return problems;
}

function selectorProblems(map: SourceMap, selector: Record<string, unknown>, at: Pointer): Problem[] {
  const problems: Problem[] = [];
  const { lines } = selector;
  if (typeof lines === "string" && /^\d+-\d+$/.test(lines)) {
    const [first, last] = lines.split("-").map(Number);
    if (first > last) {
      problems.push(
        problemAt(map, [...at, "lines"], `${showValue(lines)} is not a range: ${first} comes after ${last}`),
      );
    }
  }
  // Line numbers are per source file: without `file` a line would match in every file.
  for (const key of ["line", "lines"]) {
    if (key in selector && selector.file === undefined) {
      problems.push(problemAt(map, [...at, key], "needs file (line numbers are per source file)", "key"));
    }
  }
  return problems;
}
