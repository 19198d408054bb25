// nfdebug(1), written from the same command tree as --help (commands, arguments, options, the
// examples and the exit codes of help.ts), so the manual cannot fall behind the CLI.
// scripts/build-man.mjs writes it to dist/man/nfdebug.1 at build time; npm installs it.
import type { Command, Option } from "commander";
import { EXAMPLES, EXIT_MEANINGS } from "./help.js";
import { EXIT } from "./exit.js";

/** Text as roff prints it literally: backslashes, dashes, and a leading dot or quote. */
export function roffText(text: string): string {
  const escaped = text.replaceAll("\\", "\\e").replaceAll("-", "\\-");
  return /^[.']/.test(escaped) ? `\\&${escaped}` : escaped;
}

function optionLines(option: Option): string[] {
  const defaultValue =
    option.defaultValue === undefined || option.defaultValue === false
      ? ""
      : ` (default: ${String(option.defaultValue)})`;
  return [".TP", `.B ${roffText(option.flags)}`, roffText(`${option.description}${defaultValue}`)];
}

function commandSection(command: Command): string[] {
  const args = command.registeredArguments.map((a) => {
    const name = `${a.name()}${a.variadic ? "..." : ""}`;
    return a.required ? `<${name}>` : `[${name}]`;
  });
  const lines = [
    ".SS " + roffText(["nfdebug", command.name(), ...args].join(" ")),
    roffText(command.description()),
  ];
  for (const a of command.registeredArguments)
    lines.push(".TP", `.I ${roffText(a.name())}`, roffText(a.description));
  for (const option of command.options.filter((o) => !o.hidden)) lines.push(...optionLines(option));
  const examples = EXAMPLES[command.name()] ?? [];
  if (examples.length > 0) {
    lines.push(".PP", "Examples:", ".RS", ".nf", ...examples.map((e) => roffText(`$ ${e}`)), ".fi", ".RE");
  }
  return lines;
}

export function manPage(program: Command, version: string, date: string): string {
  const exits = (Object.keys(EXIT) as (keyof typeof EXIT)[]).flatMap((name) => [
    ".TP",
    `.B ${EXIT[name]}`,
    roffText(EXIT_MEANINGS[name]),
  ]);
  return [
    `.TH NFDEBUG 1 ${date} "nfdebug ${version}" "User Commands"`,
    ".SH NAME",
    `nfdebug \\- ${roffText(program.description())}`,
    ".SH SYNOPSIS",
    ".B nfdebug",
    ".I command",
    "[options]",
    ".SH DESCRIPTION",
    roffText(
      "nfdebug sets the kernel's conntrack and netfilter debugging knobs on many hosts over SSH, journals " +
        "their values on each host first, collects the kernel log lines that say why packets were INVALID, " +
        "and reverts exactly: on command, at the end of a runbook, or by a timer on the host itself.",
    ),
    ".SH COMMANDS",
    ...program.commands.flatMap(commandSection),
    ".SH EXIT STATUS",
    ...exits,
    ".SH SEE ALSO",
    "The README of the nfdebug package, and the schemas in its schemas/ folder.",
    "",
  ].join("\n");
}
