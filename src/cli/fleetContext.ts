// Turns fleet flags into selected hosts and a transport, and prints a fleet result at the end.
import type { HostSpec } from "../inventory/types.js";
import type { Transport, Connection } from "../transport/types.js";
import { runFleet } from "../engine/fleet.js";
import type { FleetResult, HostOutcome } from "../engine/result.js";
import { durationOption, positiveIntOption, type FleetFlags } from "./fleetOptions.js";
import { createOutput, type Output } from "./output.js";
import { HostsFailed } from "./exit.js";
import { failureLines } from "./render.js";
import { loadFleetHosts, createTransport } from "./connect.js";

export interface Fleet {
  /** Selected hosts; a runbook may narrow them further. */
  hosts: HostSpec[];
  transport: Transport;
  forks: number;
  timeoutMs: number;
  output: Output;
  /** Progress callbacks for the engine (live on a TTY, lines otherwise, nothing with --json). */
  progress: { onHostStart?: (host: HostSpec) => void; onHostDone?: (outcome: HostOutcome) => void };
  run(step: string, task: (conn: Connection) => Promise<HostOutcome>): Promise<HostOutcome[]>;
}

export async function openFleet(flags: FleetFlags): Promise<Fleet> {
  const output = createOutput(flags.json === true);
  const forks = positiveIntOption("forks", flags.forks);
  const timeoutMs = durationOption("timeout", flags.timeout);
  const connectTimeoutMs = durationOption("connect-timeout", flags.connectTimeout);
  const hosts = await loadFleetHosts(flags, (m) => output.warn(`nfdebug: ${m}`));
  const transport = await createTransport(flags, { connectTimeoutMs, commandTimeoutMs: timeoutMs, output });
  const fleet: Fleet = {
    hosts,
    transport,
    forks,
    timeoutMs,
    output,
    progress: {},
    run: (_step, task) => runFleet(fleet.hosts, transport, { forks }, task),
  };
  return fleet;
}

/** Prints the JSON result or the failure table; raises HostsFailed for exit code 2. */
export function finishFleet(fleet: Fleet, result: FleetResult): void {
  fleet.output.result(result);
  const failures = failureLines(result.hosts);
  if (!fleet.output.json) {
    for (const line of failures) process.stderr.write(`${line}\n`);
    const s = result.summary;
    fleet.output.line(`${result.command}: ${s.ok} ok, ${s.changed} changed, ${s.failed} failed`);
  }
  if (result.summary.failed > 0) throw new HostsFailed(result.summary.failed);
}
