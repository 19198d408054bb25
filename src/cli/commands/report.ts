// nfdebug report: re-render an artifact bundle's summary.md and report.html.
import type { Command } from "commander";

export function registerReport(program: Command) {
  program
    .command("report")
    .description("re-render summary.md and report.html of an artifact bundle")
    .argument("<dir>", "bundle folder written by nfdebug run")
    .action(async (dir: string) => {
      // Loaded here, not at start-up: the renderers are only needed by this command and by run.
      const { readBundle } = await import("../../report/bundle.js");
      const { writeReports } = await import("../../report/write-reports.js");
      const { summary, html } = await writeReports(dir, await readBundle(dir));
      process.stdout.write(`${summary}\n${html}\n`);
    });
}
