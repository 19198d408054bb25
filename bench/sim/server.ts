// The simulated fleet: one process, one ssh2 Server, one listening port per simulated host.
// Every connection gets a real SSH handshake (curve25519, ed25519 host key, public-key auth with
// the signature verified); scripts arriving on `sh -s` are answered from the recording.
// Run as a child of bench/simulation.ts: argv[2] = config file. Prints "ready", then on SIGTERM
// one JSON line with its own CPU time and peak memory.
import { readFileSync } from "node:fs";
import { timingSafeEqual } from "node:crypto";
import ssh2 from "ssh2";
import type { Connection as ServerConnection, ParsedKey } from "ssh2";
import { loadRecording, scriptKind, type Recording } from "./recordedOutputs.js";
import { answer, type SimHost } from "./replay.js";

const { Server, utils } = ssh2;

export interface SimServerConfig {
  ports: number[];
  hostKeyFile: string;
  /** The client's public key line ("ssh-ed25519 AAAA..."). */
  authorizedKey: string;
}

function serveClient(
  client: ServerConnection,
  allowed: ParsedKey,
  host: SimHost,
  recording: Recording,
): void {
  client.on("authentication", (ctx) => {
    if (ctx.method !== "publickey") return ctx.reject(["publickey"]);
    const offered = ctx.key.data;
    const ours = allowed.getPublicSSH();
    const same =
      ctx.key.algo === allowed.type && offered.length === ours.length && timingSafeEqual(offered, ours);
    if (!same) return ctx.reject(["publickey"]);
    // Without a signature the client only asks whether the key would do; with one, verify it.
    if (!ctx.signature) return ctx.accept();
    return allowed.verify(ctx.blob as Buffer, ctx.signature, ctx.hashAlgo) === true
      ? ctx.accept()
      : ctx.reject(["publickey"]);
  });
  client.on("ready", () => {
    client.on("session", (acceptSession) => {
      acceptSession().on("exec", (acceptExec) => {
        const channel = acceptExec();
        let received = "";
        // apply sends the facts script first and keeps stdin open: answer it as soon as it is
        // complete (each script of such a conversation comes as "{ ... } </dev/null"), then
        // answer what follows it when stdin closes.
        let answeredUpTo = 0;
        channel.on("data", (b: Buffer) => {
          received += b.toString();
          if (
            answeredUpTo === 0 &&
            received.endsWith("\n} </dev/null\n") &&
            scriptKind(received) === "facts"
          ) {
            const out = answer(recording, host, received);
            channel.write(out.stdout);
            answeredUpTo = received.length;
          }
        });
        channel.on("end", () => {
          const rest = received.slice(answeredUpTo);
          const out =
            rest.trim() === "" ? { stdout: "", stderr: "", code: 0 } : answer(recording, host, rest);
          if (out.stderr) channel.stderr.write(out.stderr);
          channel.write(out.stdout);
          channel.exit(out.code ?? 1);
          channel.end();
        });
      });
    });
  });
  client.on("error", () => undefined); // a client that hangs up is not our problem
}

async function main(): Promise<void> {
  const config = JSON.parse(readFileSync(process.argv[2], "utf8")) as SimServerConfig;
  const parsed = utils.parseKey(config.authorizedKey);
  if (parsed instanceof Error) throw parsed;
  const allowed = Array.isArray(parsed) ? parsed[0] : parsed;
  const recording = loadRecording();
  const hostKey = readFileSync(config.hostKeyFile);
  // One ssh2 Server per port: each port is one simulated host with its own state.
  await Promise.all(
    config.ports.map(
      (port) =>
        new Promise<void>((resolve, reject) => {
          const host: SimHost = {};
          const server = new Server({ hostKeys: [hostKey] }, (client) =>
            serveClient(client, allowed, host, recording),
          );
          server.once("error", reject);
          server.listen(port, "127.0.0.1", 1024, () => resolve());
        }),
    ),
  );
  process.on("SIGTERM", () => {
    const usage = process.resourceUsage();
    const report = { cpuS: (usage.userCPUTime + usage.systemCPUTime) / 1e6, maxRssKb: usage.maxRSS };
    process.stdout.write(`${JSON.stringify(report)}\n`, () => process.exit(0));
  });
  process.stdout.write("ready\n");
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
