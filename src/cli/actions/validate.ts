// nfdebug validate: find out what each file is and report every problem in it.
import { stat } from "node:fs/promises";
import { InputError, formatProblem, type Problem } from "../../errors.js";
import { isRecord } from "../../files/value-checks.js";
import { parseYaml, readSourceText, type YamlSource } from "../../files/yaml-source.js";
import { inventoryProblems } from "../../inventory/load.js";
import { readInventorySource } from "../../inventory/source.js";
import { silentLogInvalid } from "../../kinds/sysctl/logInvalid.js";
import { profileProblems } from "../../profile/load.js";
import { normaliseProfile, type ProfileDocument } from "../../profile/normalise.js";
import { runbookProblems } from "../../runbook/load.js";

export type FileKind = "profile" | "runbook" | "inventory" | "unknown";

export interface FileCheck {
  file: string;
  /** "unknown" only when the file could not be read. */
  kind: FileKind;
  problems: Problem[];
  /** What a valid file will not do (a profile's log_invalid protocol that logs nothing). */
  warnings: string[];
}

/** What a file is: `kind: DebugProfile` a profile, `kind: Runbook` a runbook, anything else an inventory. */
export function detectKind(text: string, file: string): Exclude<FileKind, "unknown"> {
  const data = parseYaml(text, file, { vault: "mark" }).data;
  const kind = isRecord(data) ? data.kind : undefined;
  // Broken YAML still says what it wants to be, usually.
  const written = kind ?? /^kind:\s*["']?(DebugProfile|Runbook)["']?\s*(?:#.*)?$/m.exec(text)?.[1];
  if (written === "DebugProfile") return "profile";
  if (written === "Runbook") return "runbook";
  return "inventory";
}

/**
 * What a valid profile will not do on some or all kernels, said without a host (plan says it per
 * host): a log_invalid protocol that logs nothing.
 */
function profileWarnings(source: YamlSource): string[] {
  const { logInvalid } = normaliseProfile(source.data as ProfileDocument);
  const silent = logInvalid === undefined ? undefined : silentLogInvalid(logInvalid);
  return silent ? [silent] : [];
}

export async function checkFile(file: string): Promise<FileCheck> {
  const inventory = async (): Promise<FileCheck> => {
    const problems = inventoryProblems(await readInventorySource(file));
    return { file, kind: "inventory", problems, warnings: [] };
  };
  // A directory is an Ansible inventory directory (read through ansible-inventory).
  if ((await stat(file).catch(() => undefined))?.isDirectory()) return inventory();
  let text: string;
  try {
    text = await readSourceText(file);
  } catch (err) {
    if (err instanceof InputError) return { file, kind: "unknown", problems: err.problems, warnings: [] };
    throw err;
  }
  const kind = detectKind(text, file);
  switch (kind) {
    case "profile": {
      const source = parseYaml(text, file);
      const problems = profileProblems(source);
      return { file, kind, problems, warnings: problems.length > 0 ? [] : profileWarnings(source) };
    }
    case "runbook":
      return { file, kind, problems: await runbookProblems(parseYaml(text, file)), warnings: [] };
    case "inventory":
      return inventory();
  }
}

/** Every problem in a profile, runbook or inventory file (empty when it is valid). */
export async function validateFile(file: string): Promise<Problem[]> {
  return (await checkFile(file)).problems;
}

export interface ValidateOutput {
  out: (text: string) => void;
  err: (text: string) => void;
}

const STDIO: ValidateOutput = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
};

/** Checks the files and prints the result; returns the checks (the caller decides the exit code). */
export async function runValidate(
  files: string[],
  options: { json?: boolean },
  io: ValidateOutput = STDIO,
): Promise<FileCheck[]> {
  const checks: FileCheck[] = [];
  for (const file of files) checks.push(await checkFile(file));
  if (options.json) {
    const files = checks.map((c) => ({
      file: c.file,
      kind: c.kind,
      ok: c.problems.length === 0,
      problems: c.problems,
      ...(c.warnings.length > 0 ? { warnings: c.warnings } : {}),
    }));
    io.out(`${JSON.stringify({ command: "validate", files })}\n`);
  } else {
    for (const check of checks) {
      if (check.problems.length === 0) io.out(`${check.file}: ok (${check.kind})\n`);
      for (const warning of check.warnings) io.err(`${check.file}: warning: ${warning}\n`);
      for (const problem of check.problems) io.err(`${formatProblem(problem)}\n`);
    }
  }
  return checks;
}

/** The command: prints the checks; any problem makes it fail with exit code 1. */
export async function validate(files: string[], options: { json?: boolean }): Promise<void> {
  const checks = await runValidate(files, options);
  const bad = checks.filter((c) => c.problems.length > 0);
  if (bad.length > 0) {
    const count = bad.reduce((n, c) => n + c.problems.length, 0);
    // The problems are printed above; the error only carries the summary (and exit code 1).
    throw new InputError(
      `${count} problem${count === 1 ? "" : "s"} in ${bad.length} of ${checks.length} file${checks.length === 1 ? "" : "s"}`,
    );
  }
}
