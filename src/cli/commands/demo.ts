// nfdebug demo: the local demo fleet and a real runbook run. The command line only; ../actions/demo.ts
// does the work.
import type { Command } from "commander";
import type { DemoFlags } from "../actions/demo.js";

export function registerDemo(program: Command) {
  program
    .command("demo")
    .description(
      "start local demo hosts (network namespaces with OpenSSH; needs root), run the TCP-INVALID triage runbook on them, stop them",
    )
    .option("--hosts <n>", "how many demo hosts", "5")
    .option("--out <dir>", "artifact bundle folder (default ./nfdebug-runs/demo-<timestamp>/)")
    .action(async (flags: DemoFlags) => {
      const { demo } = await import("../actions/demo.js");
      await demo(flags);
    });
}
