// nfdebug parse: the INVALID and debug records in kernel logs saved elsewhere (a ticket's kern.log,
// journalctl output, a sosreport). The command line only; ../actions/parse.ts does the work.
import { Option, type Command } from "commander";
import { FORMAT_DESCRIPTIONS, SAVED_FORMATS } from "../../logs/saved/lineFormats.js";

export function registerParse(program: Command) {
  program
    .command("parse")
    .description(
      "parse saved kernel logs (files, directories, sosreports, - for stdin) into records: no hosts are contacted",
    )
    .argument("[inputs...]", "FILE, DIR or - (standard input); gzip is read as such", [])
    .addOption(
      new Option("--format <format>", "read every input in this format instead of detecting it").choices(
        SAVED_FORMATS,
      ),
    )
    .option(
      "--host <name>",
      "the host every record is from (default: the log's own host name, else the file)",
    )
    .option("--since <time>", "only records at or after this ISO 8601 time, or this long ago (2h)")
    .option("--until <time>", "only records at or before this ISO 8601 time, or this long ago")
    .option("--json", "print the records as JSON Lines on stdout")
    .option("--out <dir>", "write a bundle there: records.jsonl, summary.md and report.html")
    .addHelpText(
      "after",
      "\nFormats (detected per input from its first lines):\n" +
        SAVED_FORMATS.map((f) => `  ${f.padEnd(15)} ${FORMAT_DESCRIPTIONS[f]}`).join("\n") +
        "\n\nSyslog files in traditional or RFC 3339 form and journalctl's short formats cannot tell the\n" +
        'kernel from a program that logs as "kernel" (logger -t kernel): RFC 5424, dmesg -r/-x, /dev/kmsg\n' +
        "and the journal's json and export formats can, and lines userspace wrote are skipped.",
    )
    .action(async (inputs: string[], flags: Record<string, string | boolean | undefined>) => {
      const { parse } = await import("../actions/parse.js");
      await parse(inputs, flags);
    });
}
