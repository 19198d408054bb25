// The command tree as completion sees it: each command's options (which take a value, and what
// kind) and arguments, read from commander so that a new option or command completes by itself.
import { Help, type Command, type Option } from "commander";

/** What to offer for a value: file names, folder names, fixed choices, or nothing (free text). */
export type ValueKind =
  { kind: "file" } | { kind: "dir" } | { kind: "choices"; choices: readonly string[] } | { kind: "text" };

export interface CompletionOption {
  /** -i, or undefined */
  short?: string;
  /** --inventory, or undefined */
  long?: string;
  description: string;
  /** undefined: a flag that takes no value */
  value?: ValueKind;
  /** may be given more than once, or takes several values (<file...>) */
  repeatable: boolean;
}

export interface CompletionCommand {
  name: string;
  description: string;
  options: CompletionOption[];
  /** the positional arguments in order; `variadic` for the last one of <file...> */
  args: { name: string; value: ValueKind; variadic: boolean }[];
}

export interface CompletionTree {
  name: string;
  options: CompletionOption[];
  commands: CompletionCommand[];
}

// Placeholder names (<file>, <dir>, <profile>...) that stand for a path: the only table here, and it
// is about words, not commands.
const FILE_NAMES = new Set(["file", "files", "profile", "runbook", "inventory", "path"]);
const DIR_NAMES = new Set(["dir", "directory", "folder"]);
/** <command> (help's argument) stands for one of the program's command names. */
const COMMAND_NAMES = new Set(["command", "cmd"]);

function kindOfName(name: string, commands: readonly string[] = []): ValueKind {
  const word = name.replace(/\.\.\.$/, "").toLowerCase();
  if (FILE_NAMES.has(word)) return { kind: "file" };
  if (DIR_NAMES.has(word)) return { kind: "dir" };
  if (COMMAND_NAMES.has(word) && commands.length > 0) return { kind: "choices", choices: commands };
  return { kind: "text" };
}

function optionOf(option: Option): CompletionOption {
  const takesValue = option.required || option.optional;
  const placeholder = /[<[]([^>\]]+)[>\]]/.exec(option.flags)?.[1] ?? "";
  let value: ValueKind | undefined;
  if (takesValue)
    value = option.argChoices ? { kind: "choices", choices: option.argChoices } : kindOfName(placeholder);
  return {
    short: option.short,
    long: option.long,
    description: option.description,
    value,
    repeatable: option.variadic,
  };
}

/** The tree of `program` and its visible subcommands (the implicit `help` command included). */
export function completionTree(program: Command): CompletionTree {
  const help = new Help();
  const commands = help.visibleCommands(program);
  const names = commands.map((command) => command.name());
  return {
    name: program.name(),
    options: help.visibleOptions(program).map(optionOf),
    commands: commands.map((command) => ({
      name: command.name(),
      description: command.description(),
      options: help.visibleOptions(command).map(optionOf),
      args: command.registeredArguments.map((arg) => ({
        name: arg.name(),
        value: arg.argChoices ? { kind: "choices", choices: arg.argChoices } : kindOfName(arg.name(), names),
        variadic: arg.variadic,
      })),
    })),
  };
}

/** Every spelling of an option: -i and --inventory. */
export function spellings(option: CompletionOption): string[] {
  return [option.short, option.long].filter((s): s is string => s !== undefined);
}
