// node dist/bench/sim/record.js: record what a real host answers to nfdebug's facts, apply and
// revert scripts (one namespace test host, the real SSH transport and engine), for the simulation.
import { spawnSync } from "node:child_process";
import { applyHost } from "../../src/engine/apply.js";
import { revertHost } from "../../src/engine/revert.js";
import { newWindowId } from "../../src/engine/window.js";
import { followUpOutput } from "../../src/transport/followUp.js";
import { SshTransport } from "../../src/transport/sshTransport.js";
import type { Connection, ExecOptions, ExecResult } from "../../src/transport/types.js";
import { startFleet } from "../../test/fleet/netns/fleet.js";
import { APPLIED, START, expectValues, setValues } from "../hostState.js";
import { BENCH_PROFILE } from "../tools/nfdebug.js";
import {
  saveRecording,
  scriptKind,
  type RecordedOutput,
  type ScriptKind,
  RECORDING_FILE,
} from "./recordedOutputs.js";

function recording(conn: Connection, seen: Map<ScriptKind, RecordedOutput>): Connection {
  return {
    host: conn.host,
    close: () => conn.close(),
    async runScript(script: string, options?: ExecOptions): Promise<ExecResult> {
      const followUp = options?.followUp;
      let second: string | null = null;
      const result = await conn.runScript(
        script,
        followUp
          ? {
              ...options,
              followUp: { ...followUp, next: async (out) => (second = await followUp.next(out)) },
            }
          : options,
      );
      const record = (text: string, output: RecordedOutput) => {
        const kind = scriptKind(text);
        if (!kind) throw new Error("a script the simulation does not know: update sim/recordedOutputs.ts");
        seen.set(kind, output);
      };
      if (!followUp || second === null) {
        record(script, { stdout: result.stdout, stderr: result.stderr, code: result.code });
        return result;
      }
      // One shell ran two scripts (facts, then apply): record each one's output separately.
      const applyOutput = followUpOutput(result.stdout, followUp.afterLine);
      const factsOutput = result.stdout.slice(0, result.stdout.length - applyOutput.length);
      record(script, { stdout: factsOutput, stderr: "", code: 0 });
      record(second, { stdout: applyOutput, stderr: result.stderr, code: result.code });
      return result;
    },
  };
}

async function main(): Promise<void> {
  const fleet = await startFleet({ count: 1 });
  try {
    const host = fleet.hosts[0];
    await setValues(fleet, START);
    const transport = new SshTransport({ knownHostsFile: fleet.knownHostsFile, agentSocket: null });
    const seen = new Map<ScriptKind, RecordedOutput>();
    const window = newWindowId();
    const conn = recording(await transport.connect(fleet.hostSpec(host)), seen);
    try {
      const applied = await applyHost(conn, {
        profile: BENCH_PROFILE,
        window,
        owner: "bench@recorder",
        windowSeconds: 600,
      });
      if (!applied.ok || !applied.changed)
        throw new Error(`apply did not change the host: ${JSON.stringify(applied)}`);
      await expectValues(fleet, APPLIED, "recording: after apply");
      const reverted = await revertHost(conn, { force: false });
      if (!reverted.ok || !reverted.changed)
        throw new Error(`revert did not restore: ${JSON.stringify(reverted)}`);
      await expectValues(fleet, START, "recording: after revert");
    } finally {
      conn.close();
    }
    const get = (k: ScriptKind) => {
      const out = seen.get(k);
      if (!out) throw new Error(`no ${k} script was run`);
      return out;
    };
    const kernel = spawnSync("uname", ["-r"], { encoding: "utf8" }).stdout.trim();
    saveRecording({
      recordedAt: new Date().toISOString(),
      kernel,
      window,
      facts: get("facts"),
      apply: get("apply"),
      revert: get("revert"),
    });
    console.log(`recorded facts, apply and revert outputs into ${RECORDING_FILE}`);
  } finally {
    await fleet.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
