// nfdebug itself: `apply` of a two-knob profile, then `revert`, through the built CLI.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Profile } from "../../src/profile/types.js";
import type { Fleet } from "../../test/fleet/netns/types.js";
import { runTimed, type ProcessUsage } from "../measure/timedProcess.js";
import type { Contender, PhaseUsage } from "./types.js";

/** dist/bench/tools/nfdebug.js → dist/src/cli/main.js */
export const CLI = fileURLToPath(new URL("../../src/cli/main.js", import.meta.url));

export const PROFILE = `# Written by bench/tools/nfdebug.ts: the two knobs every contender changes.
apiVersion: nfdebug/v1
kind: DebugProfile
name: bench-two-knobs
log_invalid: tcp
nf_log:
  ipv4: nf_log_ipv4
window: 10m
`;

/** PROFILE as the profile loader normalises it (for the in-process recorder and breakdown). */
export const BENCH_PROFILE: Profile = {
  name: "bench-two-knobs",
  logInvalid: 6,
  nfLog: { ipv4: "nf_log_ipv4" },
  windowMs: 600_000,
};

interface JsonSummary {
  summary?: { ok: number; changed: number; failed: number };
  hosts?: { host: string; error: { kind: string; message: string } | null }[];
}

/** "86 failed: timeout ×80, unreachable ×6; first: h012: ..." from the --json result. */
export function describeFailures(stdout: string): string {
  let result: JsonSummary;
  try {
    result = JSON.parse(stdout) as JsonSummary;
  } catch {
    return stdout.slice(-2000);
  }
  const failed = (result.hosts ?? []).filter((h) => h.error);
  const kinds = new Map<string, number>();
  for (const h of failed) kinds.set(h.error!.kind, (kinds.get(h.error!.kind) ?? 0) + 1);
  const byKind = [...kinds].map(([k, n]) => `${k} ×${n}`).join(", ");
  return `${failed.length} failed: ${byKind}; first: ${failed[0]?.error?.message ?? "-"}`;
}

/** nfdebug over one transport: its own ssh2 client ("nfdebug"), or the system ssh ("nfdebug-openssh"). */
export class NfdebugCli implements Contender {
  readonly name: "nfdebug" | "nfdebug-openssh";
  private fleet: Fleet | undefined;
  private forks = 1;
  readonly profileFile: string;

  constructor(
    private readonly workDir: string,
    private readonly nodeArgs: string[] = [],
    private readonly transport: "ssh2" | "openssh" = "ssh2",
  ) {
    this.name = transport === "ssh2" ? "nfdebug" : "nfdebug-openssh";
    this.profileFile = join(workDir, "bench-two-knobs.yaml");
  }

  async prepare(fleet: Fleet, forks: number): Promise<void> {
    this.fleet = fleet;
    this.forks = forks;
    writeFileSync(this.profileFile, PROFILE);
  }

  /** The fleet's inventory, keys and forks as flags; --json unless `json` is false. */
  fleetArgs(json = true): string[] {
    const fleet = this.fleet as Fleet;
    return [
      "-i",
      fleet.inventoryFile,
      "--known-hosts",
      fleet.knownHostsFile,
      "--identity",
      fleet.identityFile,
      "--ssh-config",
      "/dev/null",
      "--forks",
      String(this.forks),
      // The default 15 s covers TCP + handshake + auth. Here every host's sshd shares the
      // controller's 2 cores, so N simultaneous handshakes all finish late (seen: 59 of 200 timed
      // out under load); the floor's ssh has no such limit and Ansible's covers only TCP + banner.
      "--connect-timeout",
      "2m",
      "--transport",
      this.transport,
      ...(json ? ["--json"] : []),
    ];
  }

  apply(): Promise<PhaseUsage> {
    return this.run("apply", ["apply", this.profileFile, "--for", "10m", ...this.fleetArgs()]);
  }

  revert(): Promise<PhaseUsage> {
    return this.run("revert", ["revert", ...this.fleetArgs()]);
  }

  private async run(phase: string, args: string[]): Promise<PhaseUsage> {
    const hosts = (this.fleet as Fleet).hosts.length;
    const r = await this.timed(phase, args);
    if (r.code !== 0) {
      const detail = r.stdout.trim() ? describeFailures(r.stdout) : r.stderr;
      throw new Error(`nfdebug ${phase} exited with ${r.code}: ${detail}`);
    }
    const summary = (JSON.parse(r.stdout) as JsonSummary).summary;
    if (!summary || summary.ok !== hosts || summary.changed !== hosts || summary.failed !== 0) {
      throw new Error(
        `nfdebug ${phase}: expected ${hosts} hosts ok and changed, got ${JSON.stringify(summary)}`,
      );
    }
    return { wallMs: r.wallMs, cpuS: r.cpuS, peakKb: r.maxRssKb };
  }

  /** Run the CLI with `args` under GNU time; the caller checks its exit and output. */
  timed(phase: string, args: string[]): Promise<ProcessUsage> {
    // No agent: every contender authenticates with the same key file only.
    // nfdebug appends to its audit trail under $XDG_STATE_HOME: keep the bench's out of the user's.
    const env = {
      PATH: process.env.PATH ?? "/usr/bin:/bin",
      HOME: process.env.HOME ?? "/root",
      XDG_STATE_HOME: join(this.workDir, "state"),
    };
    return runTimed([process.execPath, ...this.nodeArgs, CLI, ...args], {
      env,
      cwd: this.workDir,
      usageFile: join(this.workDir, `${this.name}-${phase}.time`),
    });
  }
}
