// The host cost of the log budget's sampler (src/engine/host/budget.sh): the CPU the switch that
// runs it (`sh expire.sh watch`, with the sleeps it waited for) and its kernel log reader
// (`cat /dev/kmsg`) use, idle and per kernel log line. One namespace host, a window with a budget
// too high to trip, read from /proc/PID/stat (utime + stime + cutime + cstime). Last, a trickle of one
// packet a second, without and then with node_exporter's textfile directory: what the sampler's
// nfdebug.prom updates (at most every 60 s while lines come) add.
// Usage (root, after npm run build):
//   node dist/bench/budgetSampler.js [IDLE_SECONDS] [PACKETS] [INTERVAL_S] [TRICKLE_SECONDS]
import { existsSync, mkdirSync, mkdtempSync, renameSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startFleet } from "../test/fleet/netns.js";
import { runCli } from "../test/support/cli.js";
import { pidsByMarker } from "./cleanup.js";
import { readStat } from "./measure/processTree.js";

/** CPU seconds of one process: its own, and the children it waited for. */
function cpuParts(pid: number): { self: number; children: number } {
  const stat = readStat(pid);
  if (!stat) throw new Error(`process ${pid} ended during the bench`);
  return { self: stat.cpuS, children: stat.childrenCpuS };
}
function cpu(pid: number): number {
  const { self, children } = cpuParts(pid);
  return self + children;
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
  const parts0 = { sampler: cpuParts(sampler), reader: cpu(reader) };
  await new Promise((r) => setTimeout(r, idleSeconds * 1000));
  const idle = (both() - idle0) / idleSeconds;
  const parts1 = { sampler: cpuParts(sampler), reader: cpu(reader) };
  // Where the idle cost goes, in ms per sample: the shell itself, the sleeps it waited for, the reader.
  const perSample = (seconds: number) => Number(((seconds * 1000 * interval) / idleSeconds).toFixed(2));
  const idleParts = {
    shell: perSample(parts1.sampler.self - parts0.sampler.self),
    sleeps: perSample(parts1.sampler.children - parts0.sampler.children),
    reader: perSample(parts1.reader - parts0.reader),
  };

  // 2 kernel lines per packet; then two samples so that the sampler has counted them.
  const flood0 = both();
  const lines0 = Number(
    readFileSync(join(fleet.hosts[0].runDir, "nfdebug", "budget"), "utf8").match(/lines=(\d+)/)![1],
  );
  // In bursts of 250 packets (500 lines) a quarter second apart: one burst of 10,000 outruns the
  // reader by a whole ring buffer on this 2-core machine, and the window trips (kind overrun).
  for (let sent = 0; sent < packets; sent += 250) {
    await fleet.makeInvalid(fleet.hosts[0], "tcp-bad-flags", { count: Math.min(250, packets - sent) });
    await new Promise((r) => setTimeout(r, 250));
  }
  const budgetFile = join(fleet.hosts[0].runDir, "nfdebug", "budget");
  if (!existsSync(budgetFile))
    throw new Error(
      `the window ended during the flood: ${readFileSync(
        join(fleet.hosts[0].dir, "var-lib", "nfdebug", "windows.log"),
        "utf8",
      )
        .trim()
        .split("\n")
        .pop()}`,
    );
  await new Promise((r) => setTimeout(r, (2 * interval + 1) * 1000));
  const lines =
    Number(readFileSync(join(fleet.hosts[0].runDir, "nfdebug", "budget"), "utf8").match(/lines=(\d+)/)![1]) -
    lines0;
  const perLine = (both() - flood0 - idle * (2 * interval + 1)) / lines;
  const counted = () =>
    Number(readFileSync(join(fleet.hosts[0].runDir, "nfdebug", "budget"), "utf8").match(/lines=(\d+)/)![1]);

  // One packet a second, twice: first with node_exporter's directory moved away (the baseline: the
  // sampler only counts), then with it back, so that the sampler rewrites nfdebug.prom (every 60 s).
  const trickle = async (): Promise<{ core: number; lines: number }> => {
    const cpu0 = both();
    const lines0 = counted();
    const start = Date.now();
    while (Date.now() - start < trickleSeconds * 1000) {
      await fleet.makeInvalid(fleet.hosts[0], "tcp-bad-flags", { count: 1 });
      await new Promise((r) => setTimeout(r, 1000));
    }
    return { core: (both() - cpu0) / ((Date.now() - start) / 1000), lines: counted() - lines0 };
  };
  renameSync(textfiles, `${textfiles}.away`);
  const counting = await trickle();
  renameSync(`${textfiles}.away`, textfiles);
  const publishing = await trickle();
  const published = /nfdebug_kernel_log_lines_total\{[^}]*\} (\d+)/.exec(
    readFileSync(join(textfiles, "nfdebug.prom"), "utf8"),
  );
  console.log(
    JSON.stringify({
      idle_seconds: idleSeconds,
      idle_ms_per_sample: idleParts,
      idle_core_percent: Number((idle * 100).toFixed(4)),
      lines_counted: lines,
      cpu_us_per_line: Number((perLine * 1e6).toFixed(2)),
      core_percent_at_2000_lines_per_s: Number(((idle + perLine * 2000) * 100).toFixed(3)),
      trickle_seconds: trickleSeconds,
      trickle_without_textfile_core_percent: Number((counting.core * 100).toFixed(4)),
      trickle_with_textfile_core_percent: Number((publishing.core * 100).toFixed(4)),
      trickle_lines_counted: [counting.lines, publishing.lines],
      textfile_count_shown: published ? Number(published[1]) : null,
    }),
  );
  await runCli(["revert", ...args]);
} finally {
  await fleet.stop();
  rmSync(dir, { recursive: true, force: true });
}
