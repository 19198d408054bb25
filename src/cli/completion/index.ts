// A completion script for one shell, generated from the command tree.
import type { Command } from "commander";
import { InputError } from "../../errors.js";
import { bashScript } from "./bash.js";
import { fishScript } from "./fish.js";
import { zshScript } from "./zsh.js";
import { completionTree } from "./tree.js";

export const SHELLS = ["bash", "zsh", "fish"] as const;
export type Shell = (typeof SHELLS)[number];

const GENERATORS = { bash: bashScript, zsh: zshScript, fish: fishScript };

export function completionScript(program: Command, shell: string): string {
  if (!(SHELLS as readonly string[]).includes(shell))
    throw new InputError(`completion: unsupported shell "${shell}" (choose ${SHELLS.join(", ")})`);
  return GENERATORS[shell as Shell](completionTree(program));
}
