// Turns fleet flags into selected hosts and a transport, and prints a fleet result at the end.
import type { HostSpec } from "../inventory/types.js";
import type { Transport, Connection } from "../transport/types.js";
import { runRollout } from "../engine/rollout.js";
import type { FleetResult, HostOutcome } from "../engine/result.js";
import type { FailedOutcome, OutcomeCommand, OutcomeOf } from "../engine/outcomes.js";
import { durationOption, positiveIntOption, sizeOption, type FleetFlags } from "./fleetOptions.js";
import { createOutput, type Output } from "./output.js";
import { HostsFailed } from "./exit.js";
import { createProgress } from "../report/progress.js";
import { failureLines } from "./render.js";
import { loadFleetHosts, createTransport, notRootHints } from "./connect.js";
import { retryPath, writeRetryFile } from "./retryFile.js";

export interface Fleet {
  /** Selected hosts; a runbook may narrow them further. */
  hosts: HostSpec[];
  transport: Transport;
  forks: number;
  timeoutMs: number;
  output: Output;
  /** Progress of one step (live on a TTY, a line per host otherwise, nothing with --json). */
  track(step: string): {
    onHostStart: (host: HostSpec) => void;
    onHostDone: (outcome: HostOutcome) => void;
    finish: () => void;
  };
  /** Runs one command's task on every host; the step is named after the command. */
  run<C extends OutcomeCommand>(
    command: C,
    task: (conn: Connection) => Promise<OutcomeOf<C>>,
  ): Promise<Array<OutcomeOf<C> | FailedOutcome>>;
}

export async function openFleet(flags: FleetFlags): Promise<Fleet> {
  const output = createOutput(flags.json === true);
  const forks = positiveIntOption("forks", flags.forks);
  const timeoutMs = durationOption("timeout", flags.timeout);
  const connectTimeoutMs = durationOption("connect-timeout", flags.connectTimeout);
  const maxOutputBytes =
    flags.maxOutput === undefined ? undefined : sizeOption("max-output", flags.maxOutput);
  const hosts = await loadFleetHosts(flags, (m) => output.warn(`nfdebug: ${m}`));
  for (const hint of notRootHints(hosts)) output.warn(`nfdebug: ${hint}`);
  const verbose = flags.verbose ?? 0;
  const say = (line: string) => output.warn(`nfdebug: ${line}`);
  const transport = await createTransport(flags, hosts, {
    connectTimeoutMs,
    commandTimeoutMs: timeoutMs,
    maxOutputBytes,
    output,
  });
  const fleet: Fleet = {
    hosts,
    transport,
    forks,
    timeoutMs,
    output,
    track: (step) => {
      const progress = createProgress({
        stream: process.stderr,
        hosts: fleet.hosts.map((h) => h.name),
        json: output.json,
        env: process.env,
        // -v lines would tear a status line redrawn in place: one line per host instead.
        ...(verbose > 0 ? { isTTY: false } : {}),
      });
      progress.stepStarted(step);
      const started = new Map<string, number>();
      return {
        onHostStart: (h) => {
          if (verbose > 0) started.set(h.name, performance.now());
          progress.hostStarted(h.name, step);
        },
        onHostDone: (o) => {
          const t0 = started.get(o.host);
          if (t0 !== undefined)
            say(
              `${o.host}: ${step} ${o.ok ? "ok" : `failed (${o.error?.kind})`} in ${Math.round(performance.now() - t0)} ms`,
            );
          progress.hostDone(o.host, o.ok, o.error ? `${o.error.kind}: ${o.error.message}` : undefined);
        },
        finish: () => progress.finish(),
      };
    },
    run: async (command, task) => {
      const tracker = fleet.track(command);
      try {
        return (await runRollout(fleet.hosts, transport, { forks, ...tracker }, task)).outcomes;
      } finally {
        tracker.finish();
      }
    },
  };
  return fleet;
}

/** Prints the JSON result or the failure table; raises HostsFailed for exit code 2 (3 for a bug). */
export function finishFleet(fleet: Fleet, result: FleetResult): void {
  fleet.output.result(result);
  const failed = result.hosts.filter((h) => !h.ok);
  // Before the table, which a reader (and a script) expects last.
  if (failed.length > 0)
    fleet.output.warn(
      writeRetryFile(
        retryPath(result.command),
        failed.map((h) => h.host),
      ),
    );
  if (!fleet.output.json) {
    for (const line of failureLines(result.hosts)) fleet.output.warn(line);
    const s = result.summary;
    fleet.output.line(`${result.command}: ${s.ok} ok, ${s.changed} changed, ${s.failed} failed`);
  }
  if (result.summary.failed > 0) throw HostsFailed.of(failed.map((h) => h.error?.kind));
}
