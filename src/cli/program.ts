// nfdebug command line: wiring only. Each command's options live in ./commands/, what it does in
// ./actions/ (imported when the command runs, so that start-up loads only commander and the
// option definitions); errors become exit codes in ./exit.ts.
import { Command } from "commander";
import { registerApply } from "./commands/apply.js";
import { registerExtend } from "./commands/extend.js";
import { registerFacts } from "./commands/facts.js";
import { registerPlan } from "./commands/plan.js";
import { registerRevert } from "./commands/revert.js";
import { registerStatus } from "./commands/status.js";
import { registerValidate } from "./commands/validate.js";
import { registerDoctor } from "./commands/doctor.js";
import { registerCollect } from "./commands/collect.js";
import { registerRun } from "./commands/run.js";
import { registerReport } from "./commands/report.js";
import { registerMerge } from "./commands/merge.js";
import { registerParse } from "./commands/parse.js";
import { registerDemo } from "./commands/demo.js";
import { registerCompletion } from "./commands/completion.js";
import { registerConfig } from "./commands/config.js";
import { exitCodeFor, messageFor } from "./exit.js";
import { addExamplesAndExitCodes } from "./help.js";
import { terminalText } from "../report/escape.js";
import { NFDEBUG_VERSION } from "../version.js";

export function buildProgram(): Command {
  const program = new Command()
    .name("nfdebug")
    .description("Declarative, fleet-wide, time-boxed and reversible conntrack/NAT debugging over SSH")
    .version(NFDEBUG_VERSION)
    .exitOverride()
    .showHelpAfterError("(run nfdebug --help for usage)");
  registerValidate(program);
  registerFacts(program);
  registerPlan(program);
  registerApply(program);
  registerStatus(program);
  registerRevert(program);
  registerExtend(program);
  registerDoctor(program);
  registerCollect(program);
  registerRun(program);
  registerReport(program);
  registerMerge(program);
  registerParse(program);
  registerDemo(program);
  registerCompletion(program);
  registerConfig(program);
  addExamplesAndExitCodes(program);
  return program;
}

export async function main(argv: string[]): Promise<number> {
  try {
    await buildProgram().parseAsync(argv);
    return 0;
  } catch (err) {
    const message = messageFor(err);
    // A HostError's message may carry host text: never control characters to the terminal.
    if (message) process.stderr.write(`nfdebug: ${terminalText(message)}\n`);
    return exitCodeFor(err);
  }
}
