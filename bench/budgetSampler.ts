// The host cost of the log budget's sampler (src/engine/host/budget.sh): the CPU the switch that
// runs it (`sh expire.sh watch`, with the sleeps it waited for) and its kernel log reader
// (`cat /dev/kmsg`) use, idle and per kernel log line. One namespace host, a window with a budget
// too high to trip, read from /proc/PID/stat (utime + stime + cutime + cstime).
// Usage (root, after npm run build): node dist/bench/budgetSampler.js [IDLE_SECONDS] [PACKETS] [INTERVAL_S]
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
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
  console.log(
    JSON.stringify({
      idle_seconds: idleSeconds,
      idle_core_percent: Number((idle * 100).toFixed(4)),
      lines_counted: lines,
      cpu_us_per_line: Number((perLine * 1e6).toFixed(2)),
      core_percent_at_2000_lines_per_s: Number(((idle + perLine * 2000) * 100).toFixed(3)),
    }),
  );
  await runCli(["revert", ...args]);
} finally {
  await fleet.stop();
  rmSync(dir, { recursive: true, force: true });
}
