// A fleet never outlives its owner: signals, a crash followed by the sweeper, the developer script,
// and two fleets side by side that share machine-wide settings.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { startFleet, sweepStaleFleets } from "../../fleet/netns.js";
import { ssh } from "./openssh.js";
import { heldByOthers } from "./shared-holds.js";

const compiledFleet = new URL("../../fleet/netns.js", import.meta.url).href;
const fleetScript = fileURLToPath(new URL("../../../../scripts/fleet.mjs", import.meta.url));
const ALL_NETNS = "/proc/sys/net/netfilter/nf_log_all_netns";

interface Owner {
  pid: number;
  runId: string;
  dir: string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** A separate node process that starts a fleet, reports it, and waits to be killed. */
async function startOwner(work: string): Promise<Owner> {
  const program = join(work, "owner.mjs");
  writeFileSync(
    program,
    `import { startFleet } from ${JSON.stringify(compiledFleet)};\n` +
      `const fleet = await startFleet({ count: 2, sudoHost: true });\n` +
      `console.log(JSON.stringify({ runId: fleet.runId, dir: fleet.dir }));\n` +
      `setInterval(() => {}, 1000);\n`,
  );
  const child = spawn(process.execPath, [program], { stdio: ["ignore", "pipe", "inherit"] });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on("exit", (code, signal) => resolve({ code, signal })),
  );
  const line = await new Promise<string>((resolve, reject) => {
    let text = "";
    child.stdout.on("data", (chunk: Buffer) => {
      text += chunk.toString();
      if (text.includes("\n")) resolve(text.split("\n")[0]);
    });
    child.on("exit", () => reject(new Error(`owner exited early: ${text}`)));
  });
  return { pid: child.pid!, ...(JSON.parse(line) as { runId: string; dir: string }), exited };
}

/** What an independent observer still finds of a run. */
function tracesOf(runId: string, dir: string): string[] {
  const found: string[] = [];
  const namespaces = execFileSync("ip", ["netns", "list"], { encoding: "utf8" });
  if (namespaces.includes(`nfd-${runId}-`)) found.push("netns");
  const processes = execFileSync("ps", ["-eo", "stat=,args="], { encoding: "utf8" }).split("\n");
  if (processes.some((p) => !p.startsWith("Z") && p.includes(dir))) found.push("process");
  if (existsSync(dir)) found.push("dir");
  if (existsSync(`/run/nfd-fleet/runs/${runId}.json`)) found.push("registry");
  if (readFileSync("/proc/self/mountinfo", "utf8").includes(`nfd-${runId}-`)) found.push("mount");
  return found;
}

for (const signal of ["SIGTERM", "SIGINT"] as const) {
  test(`${signal} to the owning process tears its fleet down`, async () => {
    const work = mkdtempSync(join(tmpdir(), "nfd-lifecycle-"));
    try {
      const owner = await startOwner(work);
      assert.deepEqual(tracesOf(owner.runId, owner.dir).sort(), [
        "dir",
        "mount",
        "netns",
        "process",
        "registry",
      ]);
      process.kill(owner.pid, signal);
      const exit = await owner.exited;
      assert.equal(exit.signal, signal, "the owner still dies of the signal");
      assert.deepEqual(tracesOf(owner.runId, owner.dir), []);
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });
}

test("after SIGKILL the next sweep removes the dead run's fleet", async () => {
  const work = mkdtempSync(join(tmpdir(), "nfd-lifecycle-"));
  try {
    const owner = await startOwner(work);
    process.kill(owner.pid, "SIGKILL");
    await owner.exited;
    assert.ok(tracesOf(owner.runId, owner.dir).includes("netns"), "SIGKILL leaves the fleet behind");
    const report = sweepStaleFleets();
    assert.ok(report.runs.includes(owner.runId));
    assert.deepEqual(tracesOf(owner.runId, owner.dir), []);
    if (!heldByOthers("user-nfdtest")) {
      assert.throws(() => execFileSync("id", ["nfdtest"], { stdio: "pipe" }), "its sudo user is gone too");
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
});

test("scripts/fleet.mjs starts a fleet that outlives it, uses it, and stops it from the state in --dir", async () => {
  const work = mkdtempSync(join(tmpdir(), "nfd-script-"));
  const dir = join(work, ".fleet");
  const run = (...args: string[]) =>
    execFileSync(process.execPath, [fleetScript, ...args], { encoding: "utf8", cwd: work });
  try {
    const started = run("start", "--count", "2", "--dir", dir);
    assert.match(started, /started 2 hosts in [\d.]+s/);
    assert.match(
      started,
      /nfdebug facts -i \.fleet\/inventory\.yaml --known-hosts \.fleet\/known_hosts --identity \.fleet\/id_ed25519/,
    );
    const state = JSON.parse(readFileSync(join(dir, "fleet-state.json"), "utf8")) as { runId: string };
    assert.ok(tracesOf(state.runId, dir).includes("process"), "the listeners outlived the script");
    assert.equal(run("exec", "h002", "--dir", dir, "--", "hostname"), "h002\n");
    assert.match(run("invalid", "h001", "udp-bad-checksum", "--count", "2", "--dir", dir), /invalid: 0 -> 2/);
    assert.match(run("stop", "--dir", dir), /stopped 2 hosts in [\d.]+s; 0 left over/);
    assert.deepEqual(tracesOf(state.runId, dir), []);
  } finally {
    if (existsSync(join(dir, "fleet-state.json"))) run("stop", "--dir", dir);
    rmSync(work, { recursive: true, force: true });
  }
});

test("two fleets side by side: distinct names and ports; the shared sysctl is restored by the last one", async () => {
  const original = readFileSync(ALL_NETNS, "utf8").trim();
  const a = await startFleet({ count: 2, allNetnsLogging: true });
  const b = await startFleet({ count: 2, allNetnsLogging: true });
  try {
    assert.notEqual(a.runId, b.runId);
    const ports = [...a.hosts, ...b.hosts].map((h) => h.port);
    assert.equal(new Set(ports).size, 4);
    assert.equal(readFileSync(ALL_NETNS, "utf8").trim(), "1");
    await a.stop();
    assert.deepEqual(a.leftovers(), []);
    assert.equal(readFileSync(ALL_NETNS, "utf8").trim(), "1", "b still needs it");
    assert.equal((await ssh(b, b.hosts[1], "hostname")).stdout, "h002\n");
    await b.stop();
    assert.deepEqual(b.leftovers(), []);
    if (!heldByOthers("nf_log_all_netns")) assert.equal(readFileSync(ALL_NETNS, "utf8").trim(), original);
  } finally {
    await a.stop();
    await b.stop();
  }
});
