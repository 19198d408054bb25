// What a fleet option's text must be: the checks for flags, NFDEBUG_* variables and config files.
import { InputError } from "../errors.js";
import { parseDuration } from "../duration.js";
import { parseSize } from "../size.js";

export function durationOption(name: string, text: string): number {
  const ms = parseDuration(text);
  if (ms === undefined)
    throw new InputError(`--${name}: "${text}" is not a duration (examples: 90s, 15m, 1h30m)`);
  return ms;
}

export function positiveIntOption(name: string, text: string): number {
  if (!/^[1-9][0-9]{0,5}$/.test(text))
    throw new InputError(`--${name}: "${text}" is not a positive whole number`);
  return Number(text);
}

/** A textfile directory as --textfile-dir gives it: an absolute path of plain characters, or "none". */
export function textfileDirOption(text: string): string | null {
  if (text === "none") return null;
  if (!/^\/[A-Za-z0-9._/@+-]{0,200}$/.test(text) || text.split("/").includes(".."))
    throw new InputError(
      `--textfile-dir: "${text}" is not an absolute directory path of plain characters (or none)`,
    );
  return text;
}

export function sizeOption(name: string, text: string): number {
  const bytes = parseSize(text);
  if (bytes === undefined)
    throw new InputError(`--${name}: "${text}" is not a size (examples: 64MiB, 512KiB, 1G)`);
  return bytes;
}
