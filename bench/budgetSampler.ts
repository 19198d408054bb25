// The host cost of the log budget's sampler (src/engine/host/budget.sh): the CPU the switch that
// runs it (`sh expire.sh watch`, with the sleeps it waited for) and its kernel log reader
// (`cat /dev/kmsg`) use, idle and per kernel log line. One namespace host, a window with a budget
// too high to trip, read from /proc/PID/stat (utime + stime + cutime + cstime). Last, a trickle of one
// packet a second with node_exporter's textfile directory present: what the sampler's nfdebug.prom
// updates (at most every 30 s while lines come) add to the idle and per-line cost.
// Usage (root, after npm run build):
//   node dist/bench/budgetSampler.js [IDLE_SECONDS] [PACKETS] [INTERVAL_S] [TRICKLE_SECONDS]
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startFleet } from "../test/fleet/netns.js";
import { runCli } from "../test/support/cli.js";
import { pidsByMarker } from "./cleanup.js";

const TICKS = Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;

/** CPU seconds of one process and the children it waited for. */
function cpu(pid: number): number {
  const text = readFileSync(`/proc/${pid}/stat`, "utf8");
  const f = text.slice(text.lastIndexOf(")") + 2).split(" ");
  return (Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14])) / TICKS;
}

const idleSeconds = Number(process.argv[2] ?? 300);
const packets = Number(process.argv[3] ?? 10_000);
const interval = Number(process.argv[4] ?? 10);
const trickleSeconds = Number(process.argv[5] ?? 120);
const dir = mkdtempSync(join(tmpdir(), "nfd-bench-budget-"));
const fleet = await startFleet({ count: 1, allNetnsLogging: true });
try {
  const profile = join(dir, "budget.yaml");
  writeFileSync(
    profile,
    "apiVersion: nfdebug/v1\nkind: DebugProfile\nname: bench-budget\nlog_invalid: tcp\n" +
      `budget: { max_rate: 100000000/s, max_lines: 1000000000, interval: ${interval}s }\n`,
  );
  const args = ["-i", fleet.inventoryFile, "--known-hosts", fleet.knownHostsFile];
  const textfiles = join(fleet.hosts[0].dir, "var-lib", "prometheus", "node-exporter");
  mkdirSync(textfiles, { recursive: true });
  const applied = await runCli(["apply", profile, "--for", "1h", ...args]);
  if (applied.code !== 0) throw new Error(`apply failed: ${applied.stderr}`);
  const window = applied.json!.window!;
  const [sampler] = pidsByMarker(`expire.sh\0watch\0${window}`);
  const [reader] = pidsByMarker("cat\0/dev/kmsg\0").filter((p) =>
    readFileSync(`/proc/${p}/stat`, "utf8").includes(` ${sampler} `),
  );
  if (!sampler || !reader) throw new Error("no sampler or reader found");
  const both = () => cpu(sampler) + cpu(reader);

  const idle0 = both();
  await new Promise((r) => setTimeout(r, idleSeconds * 1000));
  const idle = (both() - idle0) / idleSeconds;

  // 2 kernel lines per packet; then two samples so that the sampler has counted them.
  const flood0 = both();
  const lines0 = Number(
    readFileSync(join(fleet.hosts[0].runDir, "nfdebug", "budget"), "utf8").match(/lines=(\d+)/)![1],
  );
  await fleet.makeInvalid(fleet.hosts[0], "tcp-bad-flags", { count: packets });
  await new Promise((r) => setTimeout(r, (2 * interval + 1) * 1000));
  const lines =
    Number(readFileSync(join(fleet.hosts[0].runDir, "nfdebug", "budget"), "utf8").match(/lines=(\d+)/)![1]) -
    lines0;
  const perLine = (both() - flood0 - idle * (2 * interval + 1)) / lines;
  const counted = () =>
    Number(readFileSync(join(fleet.hosts[0].runDir, "nfdebug", "budget"), "utf8").match(/lines=(\d+)/)![1]);

  // One packet a second: lines in every sample, so the sampler rewrites nfdebug.prom every 30 s.
  const trickle0 = both();
  const trickleLines0 = counted();
  const trickleStart = Date.now();
  while (Date.now() - trickleStart < trickleSeconds * 1000) {
    await fleet.makeInvalid(fleet.hosts[0], "tcp-bad-flags", { count: 1 });
    await new Promise((r) => setTimeout(r, 1000));
  }
  const trickleTime = (Date.now() - trickleStart) / 1000;
  const trickleLines = counted() - trickleLines0;
  const publish = (both() - trickle0 - idle * trickleTime - perLine * trickleLines) / trickleTime;
  const published = /nfdebug_kernel_log_lines_total\{[^}]*\} (\d+)/.exec(
    readFileSync(join(textfiles, "nfdebug.prom"), "utf8"),
  );
  console.log(
    JSON.stringify({
      idle_seconds: idleSeconds,
      idle_core_percent: Number((idle * 100).toFixed(4)),
      lines_counted: lines,
      cpu_us_per_line: Number((perLine * 1e6).toFixed(2)),
      core_percent_at_2000_lines_per_s: Number(((idle + perLine * 2000) * 100).toFixed(3)),
      trickle_seconds: Number(trickleTime.toFixed(0)),
      trickle_lines_counted: trickleLines,
      textfile_updates_core_percent: Number((publish * 100).toFixed(4)),
      textfile_count_shown: published ? Number(published[1]) : null,
    }),
  );
  await runCli(["revert", ...args]);
} finally {
  await fleet.stop();
  rmSync(dir, { recursive: true, force: true });
}
