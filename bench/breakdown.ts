// node dist/bench/breakdown.js: where one nfdebug apply + revert spends its time, next to the
// floor's single `ssh host sysctl -w`: controller start-up, handshake, each round trip, script
// sizes, and the CPU the scripts cost on the host. Used to explain BENCHMARKS.md's figures.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startFleet } from "../test/fleet/netns/fleet.js";
import { hostCost } from "./breakdown/hostCost.js";
import { roundTrips } from "./breakdown/roundTrips.js";
import { startupFigures } from "./breakdown/startup.js";
import { watchdogCost } from "./breakdown/watchdogCost.js";
import { cleanupNow, trackPath } from "./cleanup.js";
import { APPLIED, sysctlAssignments } from "./hostState.js";
import { describeMachine, machineLine } from "./machine.js";
import { median } from "./measure/stats.js";
import { runTimed } from "./measure/timedProcess.js";
import { ssh2Algorithms } from "./negotiated.js";
import { OpensshFloor } from "./tools/floor.js";
import { PROFILE } from "./tools/nfdebug.js";

const ms = (n: number) => `${n.toFixed(0)} ms`;

async function main(): Promise<void> {
  const workDir = trackPath(mkdtempSync(join(tmpdir(), "nfd-breakdown-")));
  const profileFile = join(workDir, "profile.yaml");
  writeFileSync(profileFile, PROFILE);
  console.log(machineLine(describeMachine()));
  const startup = await startupFigures(workDir, profileFile);
  console.log("controller start-up (median of 7, wall / CPU):");
  console.log(
    `  node -e 0                      ${ms(startup.nodeBare.wallMs)} / ${ms(startup.nodeBare.cpuMs)}`,
  );
  console.log(
    `  nfdebug --help                 ${ms(startup.cliModules.wallMs)} / ${ms(startup.cliModules.cpuMs)}`,
  );
  console.log(
    `  nfdebug validate PROFILE       ${ms(startup.validateProfile.wallMs)} / ${ms(startup.validateProfile.cpuMs)}`,
  );

  const fleet = await startFleet({ count: 1 });
  try {
    const algorithms = await ssh2Algorithms(fleet.hosts[0], fleet.identityFile);
    const floor = new OpensshFloor(algorithms, workDir);
    await floor.prepare(fleet);
    const floorWall: number[] = [];
    const floorTrue: number[] = [];
    for (let i = 0; i < 7; i++) {
      const cmd = `sysctl -w ${sysctlAssignments(APPLIED).join(" ")}`;
      floorWall.push(
        (await runTimed(floor.sshArgv(fleet.hosts[0], cmd), { usageFile: join(workDir, "f.time") })).wallMs,
      );
      floorTrue.push(
        (await runTimed(floor.sshArgv(fleet.hosts[0], "true"), { usageFile: join(workDir, "f.time") }))
          .wallMs,
      );
    }
    console.log("one host, OpenSSH client (median of 7):");
    console.log(`  ssh host true                  ${ms(median(floorTrue))}`);
    console.log(`  ssh host 'sysctl -w a=b c=d'   ${ms(median(floorWall))}`);
    const rt = await roundTrips(fleet);
    console.log("one host, nfdebug transport + engine in-process (median of 7):");
    console.log(`  connect (TCP + handshake + auth) ${ms(rt.handshakeMs)}`);
    console.log("  apply is one round trip: the facts script, then the apply script in the same shell");
    for (const k of ["facts", "apply", "revert"] as const) {
      console.log(
        `  ${k.padEnd(7)} script               ${ms(rt.scriptMs[k])}  (${rt.scriptBytes[k]} bytes)`,
      );
    }
    const cost = await hostCost(fleet, rt.scripts);
    console.log("CPU on the host per run (median of 7; the hosts share the controller's cores):");
    for (const k of ["facts", "apply", "revert"] as const)
      console.log(`  nfdebug ${k.padEnd(7)} script       ${cost.nfdebugMs[k].toFixed(1)} ms`);
    console.log(
      `  floor sysctl -w (apply/revert) ${cost.floorApplyMs.toFixed(1)} / ${cost.floorRevertMs.toFixed(1)} ms`,
    );
  } finally {
    await fleet.stop();
  }

  const hosts = Number(process.env.BREAKDOWN_HOSTS ?? 50);
  const big = await startFleet({ count: hosts, concurrency: 8 });
  try {
    const cost = await watchdogCost(big, workDir);
    console.log(`open windows on ${cost.hosts} hosts (BREAKDOWN_HOSTS): ${cost.watchdogs} watchdogs`);
    console.log(
      `  use ${cost.coresBusy.toFixed(2)} cores together (${((cost.coresBusy / cost.watchdogs) * 1000).toFixed(1)} ms CPU per second per host), measured over ${cost.seconds} s`,
    );
  } finally {
    await big.stop();
  }
}

main()
  .catch((err) => {
    console.error(err instanceof Error ? (err.stack ?? err.message) : err);
    process.exitCode = 1;
  })
  .finally(cleanupNow);
