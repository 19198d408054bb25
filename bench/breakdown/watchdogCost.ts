// The cost of an open window on the host: each apply leaves a watchdog (`sh expire.sh watch`)
// that polls the window file. Measured as the CPU the watchdog processes and the children they
// waited for (utime + stime + cutime + cstime) use over a few seconds, across a fleet.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Fleet } from "../../test/fleet/netns/types.js";
import { pidsByMarker } from "../cleanup.js";
import { readStat } from "../measure/processTree.js";
import { START, setValues } from "../hostState.js";
import { runTimed } from "../measure/timedProcess.js";
import { CLI, PROFILE } from "../tools/nfdebug.js";

/** utime + stime + cutime + cstime of one process, in seconds (0 once it has ended). */
function treeCpu(pid: number): number {
  const stat = readStat(pid);
  return stat ? stat.cpuS + stat.childrenCpuS : 0;
}

export interface WatchdogCost {
  hosts: number;
  watchdogs: number;
  seconds: number;
  /** CPU seconds per second of all watchdogs together (1.0 = one core busy). */
  coresBusy: number;
}

export async function watchdogCost(fleet: Fleet, workDir: string, seconds = 10): Promise<WatchdogCost> {
  await setValues(fleet, START);
  const profile = join(workDir, "watchdog-profile.yaml");
  writeFileSync(profile, PROFILE);
  const common = [
    "-i",
    fleet.inventoryFile,
    "--known-hosts",
    fleet.knownHostsFile,
    "--identity",
    fleet.identityFile,
  ];
  const cli = (args: string[]) =>
    runTimed(
      [
        process.execPath,
        CLI,
        ...args,
        ...common,
        "--ssh-config",
        "/dev/null",
        "--connect-timeout",
        "2m",
        "--json",
      ],
      {
        usageFile: join(workDir, "watchdog.time"),
        env: { PATH: process.env.PATH, HOME: process.env.HOME, XDG_STATE_HOME: join(workDir, "state") },
      },
    );
  const applied = await cli(["apply", profile, "--for", "10m"]);
  if (applied.code !== 0) throw new Error(`apply for the watchdog measurement failed: ${applied.stderr}`);
  try {
    // This run's watchdogs: their command line names the window this apply opened.
    const window = (JSON.parse(applied.stdout) as { window?: string }).window;
    if (!window) throw new Error("apply printed no window id");
    const pids = pidsByMarker(`expire.sh\0watch\0${window}`);
    const before = pids.reduce((s, p) => s + treeCpu(p), 0);
    await new Promise((r) => setTimeout(r, seconds * 1000));
    const after = pids.reduce((s, p) => s + treeCpu(p), 0);
    return {
      hosts: fleet.hosts.length,
      watchdogs: pids.length,
      seconds,
      coresBusy: (after - before) / seconds,
    };
  } finally {
    await cli(["revert"]);
  }
}
