// What every command's --help ends with: real examples (the shipped playbooks and the example
// inventory) and the exit codes, written once from EXIT.
import type { Command } from "commander";
import { EXIT } from "./exit.js";

const INVENTORY = "playbooks/inventory.example.yaml";
const TCP = "playbooks/profiles/tcp-invalid.yaml";

/** Two or three command lines per command, each a thing users do. */
export const EXAMPLES: Readonly<Record<string, readonly string[]>> = {
  validate: [`nfdebug validate ${TCP} ${INVENTORY}`, "nfdebug validate playbooks/runbooks/*.yaml --json"],
  facts: [`nfdebug facts -i ${INVENTORY}`, `nfdebug facts -i ${INVENTORY} -l 'web*,!web3' --json`],
  plan: [`nfdebug plan ${TCP} -i ${INVENTORY}`, `nfdebug plan ${TCP} -i ${INVENTORY} -l edge --json`],
  apply: [
    `nfdebug apply ${TCP} -i ${INVENTORY} --for 10m`,
    `nfdebug apply ${TCP} -i ${INVENTORY} --canary 2 --serial 10% --max-fail 1`,
  ],
  status: [`nfdebug status -i ${INVENTORY}`, `nfdebug status -i ${INVENTORY} --json`],
  revert: [`nfdebug revert -i ${INVENTORY}`, `nfdebug revert -i ${INVENTORY} --window WINDOW_ID --force`],
  extend: [`nfdebug extend -i ${INVENTORY} --window WINDOW_ID --for 30m`],
  doctor: [`nfdebug doctor -i ${INVENTORY}`, `nfdebug doctor -i ${INVENTORY} -l edge --json`],
  collect: [
    `nfdebug collect -i ${INVENTORY}`,
    `nfdebug collect -i ${INVENTORY} --window WINDOW_ID --out bundle/`,
  ],
  run: [
    `nfdebug run playbooks/runbooks/tcp-invalid-triage.yaml -i ${INVENTORY} --dry-run`,
    `nfdebug run playbooks/runbooks/tcp-invalid-triage.yaml -i ${INVENTORY} --out runs/`,
  ],
  report: ["nfdebug report nfdebug-runs/tcp-invalid-triage-20261204T120000Z"],
  merge: [
    "nfdebug merge runs/shard-1 runs/shard-2 runs/shard-3 --out runs/all",
    "nfdebug merge nfdebug-runs/tcp-invalid-triage-*Z --out nfdebug-runs/tcp-invalid-triage-merged",
  ],
  parse: [
    "nfdebug parse playbooks/samples/kern.log",
    "nfdebug parse /var/log/kern.log.2.gz --since 2026-12-04T09:00:00Z --json",
    "nfdebug parse sosreport-web3-2026-12-04/ --out parsed/",
  ],
  demo: ["nfdebug demo", "nfdebug demo --hosts 20 --out demo-bundle/"],
  completion: [
    "nfdebug completion bash > ~/.local/share/bash-completion/completions/nfdebug",
    "nfdebug completion fish > ~/.config/fish/completions/nfdebug.fish",
  ],
  config: ["nfdebug config", "nfdebug config --json --forks 20"],
};

export const EXIT_MEANINGS: Record<keyof typeof EXIT, string> = {
  ok: "success (also when a window tripped its log budget: the host reverted it as designed)",
  input: "invalid input (a file, an option, a value); nothing was touched",
  hostsFailed: "one or more hosts failed; the others completed",
  internal: "an internal error in nfdebug (also a host that failed by one)",
  interrupted: "interrupted (Ctrl-C), after cleaning up",
};

export function exitCodesText(): string {
  const rows = (Object.keys(EXIT) as (keyof typeof EXIT)[]).map(
    (name) => `  ${String(EXIT[name]).padStart(3)}  ${EXIT_MEANINGS[name]}`,
  );
  return ["Exit codes:", ...rows].join("\n");
}

/** Appends the examples of each command (and the exit codes) to its --help. */
export function addExamplesAndExitCodes(program: Command): void {
  for (const command of program.commands) {
    const examples = EXAMPLES[command.name()] ?? [];
    const text = [
      ...(examples.length > 0 ? ["", "Examples:", ...examples.map((e) => `  $ ${e}`)] : []),
      "",
      exitCodesText(),
    ].join("\n");
    command.addHelpText("after", text);
  }
  program.addHelpText("after", `\n${exitCodesText()}`);
}
