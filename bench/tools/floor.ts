// The floor: one OpenSSH client per host, all at once, one connection and one command each,
// `sysctl -w` of both values. The least any SSH tool can do.
import type { Fleet, FleetHost } from "../../test/fleet/netns/types.js";
import { APPLIED, START, sysctlAssignments, type SysctlValues } from "../hostState.js";
import { spawnAll } from "../measure/spawnAll.js";
import type { Algorithms } from "../negotiated.js";
import { opensshOptions } from "./opensshOptions.js";
import { failIfNonZero, type Contender, type PhaseUsage } from "./types.js";

export class OpensshFloor implements Contender {
  readonly name = "floor";
  private fleet: Fleet | undefined;

  constructor(
    private readonly algorithms: Algorithms,
    private readonly workDir: string,
  ) {}

  async prepare(fleet: Fleet): Promise<void> {
    this.fleet = fleet;
  }

  sshArgv(host: FleetHost, command?: string): string[] {
    const fleet = this.fleet as Fleet;
    const setup = {
      knownHostsFile: fleet.knownHostsFile,
      identityFile: fleet.identityFile,
      algorithms: this.algorithms,
    };
    return [
      "ssh",
      ...opensshOptions(setup),
      "-p",
      String(host.port),
      `${host.user}@${host.address}`,
      ...(command ? [command] : []),
    ];
  }

  apply(): Promise<PhaseUsage> {
    return this.write("apply", APPLIED);
  }

  revert(): Promise<PhaseUsage> {
    return this.write("revert", START);
  }

  private async write(phase: string, values: SysctlValues): Promise<PhaseUsage> {
    const fleet = this.fleet as Fleet;
    const command = `sysctl -w ${sysctlAssignments(values).join(" ")}`;
    const env = { PATH: process.env.PATH ?? "/usr/bin:/bin" };
    const { wallMs, runs } = await spawnAll(
      fleet.hosts.map((h) => this.sshArgv(h, command)),
      { env, workDir: this.workDir },
    );
    runs.forEach((r, i) => failIfNonZero(`ssh ${fleet.hosts[i].name}`, phase, r.code, r.stderr));
    return {
      wallMs,
      cpuS: runs.reduce((sum, r) => sum + r.cpuS, 0),
      // All clients run at the same time: the sum of their peaks bounds the peak of their sum.
      peakKb: runs.reduce((sum, r) => sum + r.maxRssKb, 0),
    };
  }
}
