// nfdebug completion: the script for the asked shell, on stdout.
import type { Command } from "commander";
import { completionScript } from "../completion/index.js";

export function completion(program: Command, shell: string): void {
  process.stdout.write(completionScript(program, shell));
}
