// nfdebug merge: one bundle, with one report, of the bundles of a run's shards.
// The command line only; ../actions/merge.ts does the work and is loaded when the command runs.
import type { Command } from "commander";

export function registerMerge(program: Command) {
  program
    .command("merge")
    .description("merge the bundles of a run's shards (parts of one fleet) into one bundle and one report")
    .argument("<dir...>", "bundle folders written by nfdebug run, each over other hosts")
    .requiredOption("--out <dir>", "the merged bundle's folder: new, or empty")
    .addHelpText(
      "after",
      "\nThe bundles must come from one runbook and profile, and no host may be in two of them.\n" +
        "Hosts, records and per-host files (raw/, records/, pcap/, exec/) are joined, each host keeps its\n" +
        "counters and captures, and summary.md and report.html are written again over all of them.\n" +
        "manifest.json lists the bundles in mergedFrom.",
    )
    .action(async (dirs: string[], flags: { out: string }) => {
      const { merge } = await import("../actions/merge.js");
      await merge(dirs, flags);
    });
}
