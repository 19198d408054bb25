// nfdebug validate FILE...: check profiles, runbooks and inventories; touch nothing.
import type { Command } from "commander";
import { InputError, formatProblem } from "../../errors.js";
import type { FileCheck } from "../../files/validate.js";

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
  // Loaded here, not at start-up: the YAML parser and the schema validators are only needed now.
  const { checkFile } = await import("../../files/validate.js");
  const checks: FileCheck[] = [];
  for (const file of files) checks.push(await checkFile(file));
  if (options.json) {
    const files = checks.map((c) => ({
      file: c.file,
      kind: c.kind,
      ok: c.problems.length === 0,
      problems: c.problems,
    }));
    io.out(`${JSON.stringify({ command: "validate", files })}\n`);
  } else {
    for (const check of checks) {
      if (check.problems.length === 0) io.out(`${check.file}: ok (${check.kind})\n`);
      for (const problem of check.problems) io.err(`${formatProblem(problem)}\n`);
    }
  }
  return checks;
}

export function registerValidate(program: Command): void {
  program
    .command("validate")
    .description("check profiles, runbooks and inventories; touch nothing")
    .argument("<file...>", "profile, runbook or inventory files")
    .option("--json", "machine-readable output on stdout")
    .action(async (files: string[], options: { json?: boolean }) => {
      const checks = await runValidate(files, options);
      const bad = checks.filter((c) => c.problems.length > 0);
      if (bad.length > 0) {
        const count = bad.reduce((n, c) => n + c.problems.length, 0);
        // The problems are printed above; the error only carries the summary (and exit code 1).
        throw new InputError(
          `${count} problem${count === 1 ? "" : "s"} in ${bad.length} of ${checks.length} file${checks.length === 1 ? "" : "s"}`,
        );
      }
    });
}
