// SIMULATION, not a measurement of real hosts: how nfdebug's controller CPU and memory grow from
// 500 to 5,000 hosts. One local process (sim/server.ts) plays every host with a real SSH server
// (ssh2) and answers with outputs recorded from a real host; the controller is the real CLI.
//   node dist/bench/simulation.js [--sizes 500,1000,2000,5000] [--forks 200,all] [--out FILE]
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { numberList } from "./args.js";
import { cleanupNow, trackPath } from "./cleanup.js";
import { describeMachine, machineLine } from "./machine.js";
import { runTimed, type ProcessUsage } from "./measure/timedProcess.js";
import { startSimFleet, type SimFleet } from "./sim/simFleet.js";
import { CLI, PROFILE } from "./tools/nfdebug.js";

const log = (line: string) => process.stderr.write(`${line}\n`);

interface SimRow {
  hosts: number;
  forks: number;
  phase: "apply" | "revert";
  wallS: number;
  controllerCpuS: number;
  controllerPeakMB: number;
  /** Controller CPU per host, ms. */
  cpuPerHostMs: number;
}

interface SimSize {
  hosts: number;
  forks: number;
  rows: SimRow[];
  serverCpuS: number;
  serverPeakMB: number;
}

function openFilesLimit(): number {
  const r = spawnSync("sh", ["-c", "ulimit -n"], { encoding: "utf8" });
  return Number(r.stdout.trim()) || 1024;
}

async function runCli(fleet: SimFleet, dir: string, forks: number, args: string[]): Promise<ProcessUsage> {
  const r = await runTimed(
    [
      process.execPath,
      CLI,
      ...args,
      "-i",
      fleet.inventoryFile,
      "--known-hosts",
      fleet.knownHostsFile,
      "--identity",
      fleet.identityFile,
      "--ssh-config",
      "/dev/null",
      "--forks",
      String(forks),
      "--connect-timeout",
      "5m",
      "--timeout",
      "5m",
      "--json",
    ],
    {
      env: { PATH: process.env.PATH, HOME: process.env.HOME, XDG_STATE_HOME: join(dir, "state") },
      usageFile: join(dir, "cli.time"),
    },
  );
  const summary = r.stdout
    ? (JSON.parse(r.stdout) as { summary?: { ok: number; changed: number } }).summary
    : undefined;
  if (r.code !== 0 || summary?.ok !== fleet.hosts || summary.changed !== fleet.hosts) {
    throw new Error(
      `nfdebug ${args[0]} on ${fleet.hosts} simulated hosts: exit ${r.code}, ${JSON.stringify(summary)}\n${r.stderr.slice(-2000)}`,
    );
  }
  return r;
}

async function simulate(workDir: string, hosts: number, forks: number): Promise<SimSize> {
  const dir = join(workDir, `sim-${hosts}-${forks}`);
  const fleet = await startSimFleet(dir, hosts);
  const rows: SimRow[] = [];
  let server: { cpuS: number; maxRssKb: number } | undefined;
  try {
    const profile = join(dir, "profile.yaml");
    writeFileSync(profile, PROFILE);
    const phases: [SimRow["phase"], string[]][] = [
      ["apply", ["apply", profile, "--for", "10m"]],
      ["revert", ["revert"]],
    ];
    for (const [phase, args] of phases) {
      const r = await runCli(fleet, dir, forks, args);
      const row: SimRow = {
        hosts,
        forks,
        phase,
        wallS: r.wallMs / 1000,
        controllerCpuS: r.cpuS,
        controllerPeakMB: r.maxRssKb / 1024,
        cpuPerHostMs: (r.cpuS * 1000) / hosts,
      };
      rows.push(row);
      log(
        `SIM N=${hosts} forks=${forks} ${phase}: ${row.wallS.toFixed(1)} s wall, ` +
          `${row.controllerCpuS.toFixed(2)} s CPU, ${row.controllerPeakMB.toFixed(0)} MB`,
      );
    }
  } finally {
    server = await fleet.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  return {
    hosts,
    forks,
    rows,
    serverCpuS: server?.cpuS ?? NaN,
    serverPeakMB: (server?.maxRssKb ?? NaN) / 1024,
  };
}

function table(sizes: SimSize[]): string {
  const lines = [
    "| simulated hosts | forks | phase | wall s | controller CPU s | CPU ms/host | controller peak RSS MB | simulator CPU s (both phases) |",
    "|---:|---:|---|---:|---:|---:|---:|---:|",
  ];
  for (const size of sizes) {
    for (const r of size.rows) {
      lines.push(
        `| ${r.hosts} | ${r.forks} | ${r.phase} | ${r.wallS.toFixed(1)} | ${r.controllerCpuS.toFixed(2)} | ` +
          `${r.cpuPerHostMs.toFixed(1)} | ${r.controllerPeakMB.toFixed(0)} | ${r.phase === "apply" ? size.serverCpuS.toFixed(1) : ""} |`,
      );
    }
  }
  return lines.join("\n");
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      sizes: { type: "string", default: process.env.SIM_SIZES ?? "500,1000,2000,5000" },
      forks: { type: "string", default: process.env.SIM_FORKS ?? "200,all" },
      out: { type: "string" },
    },
  });
  const sizes = numberList(values.sizes, "--sizes");
  const forksList = values.forks.split(",").map((f) => f.trim());
  const limit = openFilesLimit();
  const biggest = Math.max(...sizes);
  // The controller holds one socket per host in flight; the simulator one listener + one socket per host.
  if (limit < 2 * biggest + 100)
    throw new Error(`ulimit -n is ${limit}: raise it to at least ${2 * biggest + 100}`);
  const workDir = trackPath(mkdtempSync(join(tmpdir(), "nfd-sim-")));
  const machine = describeMachine();
  log(`SIMULATION (not real hosts) — ${machineLine(machine)}; ulimit -n ${limit}`);
  const results: SimSize[] = [];
  for (const hosts of sizes) {
    for (const f of forksList) {
      const forks = f === "all" ? hosts : numberList(f, "--forks")[0];
      results.push(await simulate(workDir, hosts, forks));
    }
  }
  console.log(
    [
      "SIMULATION: one local ssh2 server process plays every host and replays outputs recorded from a real host.",
      machineLine(machine),
      "",
      table(results),
    ].join("\n"),
  );
  if (values.out) writeFileSync(values.out, `${JSON.stringify({ machine, results }, null, 2)}\n`);
}

main()
  .catch((err) => {
    console.error(err instanceof Error ? (err.stack ?? err.message) : err);
    process.exitCode = 1;
  })
  .finally(cleanupNow);
