// npm run bench: nfdebug (over ssh2 and over the system ssh) against the OpenSSH floor and Ansible
// on namespace test hosts.
// See BENCHMARKS.md for what is measured and how.
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { startFleet } from "../test/fleet/netns/fleet.js";
import { readSettings, type BenchSettings } from "./args.js";
import { cleanupNow, trackPath } from "./cleanup.js";
import { measureSize, type SizeResult } from "./fleetSize.js";
import { describeMachine, machineLine } from "./machine.js";
import { opensshAlgorithms, sameAlgorithms, ssh2Algorithms, type Algorithms } from "./negotiated.js";
import { loadLine, ratioTable, resultTable } from "./table.js";
import { AnsiblePlaybook } from "./tools/ansible.js";
import { OpensshFloor } from "./tools/floor.js";
import { NfdebugCli } from "./tools/nfdebug.js";
import type { Contender } from "./tools/types.js";

const log = (line: string) => process.stderr.write(`${line}\n`);

/** Ask a one-host fleet what ssh2 negotiates, and check that the floor's ssh gets the same. */
async function probeAlgorithms(workDir: string): Promise<Algorithms> {
  const fleet = await startFleet({ count: 1 });
  try {
    const host = fleet.hosts[0];
    const algorithms = await ssh2Algorithms(host, fleet.identityFile);
    const floor = new OpensshFloor(algorithms, workDir);
    await floor.prepare(fleet);
    const openssh = opensshAlgorithms(floor.sshArgv(host));
    if (!sameAlgorithms(algorithms, openssh)) {
      throw new Error(`OpenSSH negotiated ${JSON.stringify(openssh)}, ssh2 ${JSON.stringify(algorithms)}`);
    }
    return algorithms;
  } finally {
    await fleet.stop();
  }
}

function contenders(settings: BenchSettings, workDir: string, algorithms: Algorithms): Contender[] {
  const nodeArgs = settings.cpuProfDir
    ? ["--cpu-prof", `--cpu-prof-dir=${resolve(settings.cpuProfDir)}`]
    : [];
  if (settings.cpuProfDir) mkdirSync(settings.cpuProfDir, { recursive: true });
  const all: Contender[] = [
    new OpensshFloor(algorithms, workDir),
    new NfdebugCli(workDir, nodeArgs),
    new NfdebugCli(workDir, nodeArgs, "openssh"),
    new AnsiblePlaybook(algorithms, workDir),
  ];
  return all.filter((c) => settings.tools.includes(c.name));
}

async function main(): Promise<void> {
  const settings = readSettings(process.argv.slice(2));
  const workDir = trackPath(mkdtempSync(join(tmpdir(), "nfd-bench-")));
  const machine = describeMachine();
  log(machineLine(machine));
  const algorithms = await probeAlgorithms(workDir);
  const algorithmLine = `algorithms (ssh2 and OpenSSH alike): kex ${algorithms.kex}, host key ${algorithms.hostKey}, cipher ${algorithms.cipher}`;
  log(algorithmLine);
  const results: SizeResult[] = [];
  for (const hosts of settings.sizes) {
    const options = { runs: settings.runs, warmup: settings.warmup, log };
    results.push(await measureSize(hosts, contenders(settings, workDir, algorithms), options));
  }
  const tools = ["floor", "nfdebug", "nfdebug-openssh", "ansible"].filter((t) => settings.tools.includes(t));
  console.log(
    [
      machineLine(machine),
      algorithmLine,
      "",
      resultTable(results, tools),
      "",
      ratioTable(results),
      "",
      loadLine(results),
    ].join("\n"),
  );
  if (settings.out) {
    writeFileSync(settings.out, `${JSON.stringify({ machine, algorithms, settings, results }, null, 2)}\n`);
  }
}

main()
  .catch((err) => {
    console.error(err instanceof Error ? (err.stack ?? err.message) : err);
    process.exitCode = 1;
  })
  .finally(cleanupNow);
