// Ansible (Debian's package): the same two values with ansible.posix.sysctl, forks = N,
// pipelining, ControlPersist, host key checking against the same known_hosts.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Fleet } from "../../test/fleet/netns/types.js";
import { killByMarker, pidsByMarker, trackMarker } from "../cleanup.js";
import { APPLIED, START, type SysctlValues } from "../hostState.js";
import { readStat } from "../measure/processTree.js";
import { runTimed } from "../measure/timedProcess.js";
import { sampleTreeMemory } from "../measure/treeMemory.js";
import { ansibleCfg, iniInventory, parseRecap, sysctlPlaybook } from "./ansibleFiles.js";
import type { Algorithms } from "../negotiated.js";
import { opensshOptions } from "./opensshOptions.js";
import { failIfNonZero, type Contender, type PhaseUsage } from "./types.js";

export class AnsiblePlaybook implements Contender {
  readonly name = "ansible";
  private dir = "";
  private fleet: Fleet | undefined;

  constructor(
    private readonly algorithms: Algorithms,
    private readonly workDir: string,
  ) {}

  private get controlPathDir(): string {
    return join(this.dir, "cp");
  }

  async prepare(fleet: Fleet, forks: number): Promise<void> {
    this.fleet = fleet;
    this.dir = join(this.workDir, `ansible-${fleet.hosts.length}`);
    for (const sub of ["cp", "home", "tmp"]) mkdirSync(join(this.dir, sub), { recursive: true });
    trackMarker(this.controlPathDir);
    const inventoryFile = join(this.dir, "inventory.ini");
    const setup = {
      knownHostsFile: fleet.knownHostsFile,
      identityFile: fleet.identityFile,
      algorithms: this.algorithms,
    };
    const sshArgs = opensshOptions(setup).slice(0, -2); // without "-i KEY": the inventory names it
    writeFileSync(inventoryFile, iniInventory(fleet.hosts, fleet.identityFile));
    writeFileSync(
      join(this.dir, "ansible.cfg"),
      ansibleCfg({
        inventoryFile,
        forks,
        controlPathDir: this.controlPathDir,
        localTemp: join(this.dir, "tmp"),
        sshArgs,
      }),
    );
    writeFileSync(join(this.dir, "apply.yml"), sysctlPlaybook("nfdebug bench: apply", APPLIED));
    writeFileSync(join(this.dir, "revert.yml"), sysctlPlaybook("nfdebug bench: revert", START));
  }

  apply(): Promise<PhaseUsage> {
    return this.play("apply", APPLIED);
  }

  async revert(): Promise<PhaseUsage> {
    const usage = await this.play("revert", START);
    // The ControlPersist masters detach from ansible's tree, so its rusage misses them: add the
    // CPU they spent over both playbooks (they carried every session) before they are stopped.
    const masters = pidsByMarker(this.controlPathDir);
    usage.cpuS += masters.reduce((sum, pid) => sum + (readStat(pid)?.cpuS ?? 0), 0);
    return usage;
  }

  async afterRun(): Promise<void> {
    killByMarker(this.controlPathDir);
  }

  private async play(phase: string, values: SysctlValues): Promise<PhaseUsage> {
    const hosts = (this.fleet as Fleet).hosts;
    const env = {
      PATH: process.env.PATH ?? "/usr/bin:/bin",
      HOME: process.env.HOME ?? "/root",
      ANSIBLE_CONFIG: join(this.dir, "ansible.cfg"),
      ANSIBLE_HOME: join(this.dir, "home"),
      ANSIBLE_NOCOLOR: "1",
      LANG: "C.UTF-8",
    };
    let sampler: ReturnType<typeof sampleTreeMemory> | undefined;
    const r = await runTimed(["ansible-playbook", join(this.dir, `${phase}.yml`)], {
      env,
      cwd: this.dir,
      usageFile: join(this.dir, `${phase}.time`),
      onStart: (pid) => (sampler = sampleTreeMemory(pid, this.controlPathDir)),
    });
    const peakKb = sampler?.stop() ?? 0;
    failIfNonZero("ansible-playbook", phase, r.code, r.stdout + r.stderr);
    const recap = parseRecap(r.stdout);
    const wrong = hosts.filter((h) => {
      const c = recap.get(h.name);
      return !c || c.failed !== 0 || c.unreachable !== 0 || c.changed !== 1;
    });
    if (wrong.length > 0)
      throw new Error(
        `ansible ${phase}: ${wrong.length} host(s) not changed; values ${JSON.stringify(values)}`,
      );
    return { wallMs: r.wallMs, cpuS: r.cpuS, peakKb };
  }
}
