// nfdebug completion bash|zsh|fish: print a completion script generated from the command tree.
// The command line only; ../actions/completion.ts does the work and is loaded when the command runs.
import { Argument, type Command } from "commander";

export function registerCompletion(program: Command) {
  program
    .command("completion")
    .description("print a shell completion script (bash, zsh or fish) for nfdebug")
    // Listed here (not imported from ../completion/) so that start-up loads no generator.
    .addArgument(new Argument("<shell>", "the shell to complete in").choices(["bash", "zsh", "fish"]))
    .action(async (shell: string, _options: unknown, command: Command) => {
      const { completion } = await import("../actions/completion.js");
      completion(command.parent!, shell);
    });
}
