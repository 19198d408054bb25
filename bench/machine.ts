// The machine a run was measured on, printed with every table.
import { spawnSync } from "node:child_process";
import { cpus, release, totalmem } from "node:os";

export interface Machine {
  cores: number;
  cpu: string;
  memoryGiB: number;
  kernel: string;
  node: string;
  openssh: string;
  ansible: string;
  date: string;
}

function firstLine(argv: string[]): string {
  const r = spawnSync(argv[0], argv.slice(1), { encoding: "utf8" });
  if (r.error) return "not installed";
  return `${r.stdout ?? ""}${r.stderr ?? ""}`.trim().split("\n")[0] ?? "?";
}

export function describeMachine(): Machine {
  return {
    cores: cpus().length,
    cpu: cpus()[0]?.model ?? "?",
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    kernel: release(),
    node: process.version,
    openssh: firstLine(["ssh", "-V"]),
    ansible: firstLine(["ansible-playbook", "--version"]),
    date: new Date().toISOString(),
  };
}

export function machineLine(m: Machine): string {
  return `machine: ${m.cores} cores (${m.cpu}), ${m.memoryGiB} GiB, kernel ${m.kernel}, node ${m.node}, ${m.openssh}, ${m.ansible}; ${m.date}`;
}
