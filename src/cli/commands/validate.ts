// nfdebug validate FILE...: check profiles, runbooks and inventories; touch nothing.
// The command line only; ../actions/validate.ts does the work and is loaded when the command runs.
import type { Command } from "commander";

export function registerValidate(program: Command): void {
  program
    .command("validate")
    .description("check profiles, runbooks and inventories; touch nothing")
    .argument("<file...>", "profile, runbook or inventory files")
    .option("--json", "machine-readable output on stdout")
    .action(async (files: string[], options: { json?: boolean }) => {
      // Loaded here, not at start-up: the YAML parser and the schema validators are only needed now.
      const { validate } = await import("../actions/validate.js");
      await validate(files, options);
    });
}
