// nfdebug report: re-render an artifact bundle's summary.md and report.html.
import type { Command } from "commander";
import { readBundle, writeReports } from "../../report/bundle.js";

export function registerReport(program: Command) {
  program
    .command("report")
    .description("re-render summary.md and report.html of an artifact bundle")
    .argument("<dir>", "bundle folder written by nfdebug run")
    .action(async (dir: string) => {
      const { summary, html } = await writeReports(dir, await readBundle(dir));
      process.stdout.write(`${summary}\n${html}\n`);
    });
}
