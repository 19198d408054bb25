// One host, in this process, through the real transport and engine: how long the handshake and
// each script takes, and the script sizes.
import { applyHost } from "../../src/engine/apply.js";
import { revertHost } from "../../src/engine/revert.js";
import { newWindowId } from "../../src/engine/window.js";
import { SshTransport } from "../../src/transport/sshTransport.js";
import type { Connection, ExecOptions, ExecResult } from "../../src/transport/types.js";
import type { Fleet } from "../../test/fleet/netns/types.js";
import { START, setValues } from "../hostState.js";
import { median } from "../measure/stats.js";
import { BENCH_PROFILE } from "../tools/nfdebug.js";
import { scriptKind, type ScriptKind } from "../sim/recordedOutputs.js";

export interface RoundTripFigures {
  handshakeMs: number;
  /** Apply is one round trip: "facts" is the time until its output was in, "apply" the rest. */
  scriptMs: Record<ScriptKind, number>;
  scriptBytes: Record<ScriptKind, number>;
  /** The scripts as sent (for measuring their cost on the host). */
  scripts: Record<ScriptKind, string>;
}

function timing(conn: Connection, seen: Map<ScriptKind, { ms: number; script: string }>): Connection {
  const note = (script: string, ms: number) => {
    const kind = scriptKind(script);
    if (kind) seen.set(kind, { ms, script });
  };
  return {
    host: conn.host,
    close: () => conn.close(),
    async runScript(script: string, options?: ExecOptions): Promise<ExecResult> {
      const t = performance.now();
      const followUp = options?.followUp;
      let second: { script: string | null; at: number } | undefined;
      const result = await conn.runScript(
        script,
        followUp
          ? {
              ...options,
              followUp: {
                ...followUp,
                next: async (out) =>
                  (second = { script: await followUp.next(out), at: performance.now() }).script,
              },
            }
          : options,
      );
      const end = performance.now();
      if (second?.script) {
        note(script, second.at - t);
        note(second.script, end - second.at);
      } else note(script, end - t);
      return result;
    },
  };
}

export async function roundTrips(fleet: Fleet, runs = 7): Promise<RoundTripFigures> {
  const host = fleet.hosts[0];
  const transport = new SshTransport({ knownHostsFile: fleet.knownHostsFile, agentSocket: null });
  const handshakes: number[] = [];
  const perScript = new Map<ScriptKind, number[]>();
  let last = new Map<ScriptKind, { ms: number; script: string }>();
  for (let i = 0; i < runs; i++) {
    await setValues(fleet, START);
    const t = performance.now();
    const raw = await transport.connect(fleet.hostSpec(host));
    handshakes.push(performance.now() - t);
    last = new Map();
    const conn = timing(raw, last);
    try {
      const a = await applyHost(conn, {
        profile: BENCH_PROFILE,
        window: newWindowId(),
        owner: "bench@breakdown",
        windowSeconds: 600,
      });
      const r = await revertHost(conn, { force: false });
      if (!a.changed || !r.changed) throw new Error("breakdown: apply or revert changed nothing");
    } finally {
      conn.close();
    }
    for (const [k, v] of last) perScript.set(k, [...(perScript.get(k) ?? []), v.ms]);
  }
  const kinds: ScriptKind[] = ["facts", "apply", "revert"];
  const script = (k: ScriptKind) => last.get(k)?.script ?? "";
  return {
    handshakeMs: median(handshakes),
    scriptMs: Object.fromEntries(kinds.map((k) => [k, median(perScript.get(k) ?? [])])) as Record<
      ScriptKind,
      number
    >,
    scriptBytes: Object.fromEntries(kinds.map((k) => [k, Buffer.byteLength(script(k))])) as Record<
      ScriptKind,
      number
    >,
    scripts: Object.fromEntries(kinds.map((k) => [k, script(k)])) as Record<ScriptKind, string>,
  };
}
