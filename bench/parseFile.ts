// `nfdebug parse` of one large kern.log, end to end through the CLI: lines per second, CPU
// seconds and peak RSS, beside `grep -c nf_ct_` of the same file (reading it and finding the
// conntrack lines is the least any tool must do). The file is generated in a temporary
// directory from the lines recorded on 6.18 (test/fixtures/logs/kernel-6.18.txt), ports and IDs
// varied, among other kernel lines, in Debian 12's rsyslog form; it is deleted afterwards.
// The RSS target (150 MiB) holds for the summary and for --out, which also writes records, raw
// lines and the report.
// Run: npm run bench:parse-file [-- SIZE_MIB]   (default 1024)
import { spawnSync } from "node:child_process";
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, statSync, writeSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const SIZE_MIB = Number(process.argv[2] ?? 1024);
const RSS_TARGET_MIB = 150;
const root = new URL("../../", import.meta.url);
const CLI = fileURLToPath(new URL("dist/src/cli/main.js", root));

const recorded = readFileSync(new URL("test/fixtures/logs/kernel-6.18.txt", root), "utf8")
  .split("\n")
  .filter((l) => l && !l.startsWith("#"))
  .map((l) => l.slice(l.indexOf("\t") + 1).replaceAll("\\x0a", "#012"));
const OTHER =
  'audit: type=1400 audit(1764838800.123:42): apparmor="ALLOWED" operation="open" profile="snap.x"';

function generate(path: string): { lines: number; conntrack: number } {
  const fd = openSync(path, "w");
  let written = 0;
  let lines = 0;
  let conntrack = 0;
  const start = Date.parse("2026-12-04T00:00:00Z");
  while (written < SIZE_MIB * 2 ** 20) {
    let chunk = "";
    for (let k = 0; k < 4096; k++, lines++) {
      const stamp = new Date(start + lines * 10).toISOString().replace("Z", "000+00:00");
      const host = `edge${lines % 7}`;
      // One line in ten is some other kernel message.
      if (lines % 10 === 9) chunk += `${stamp} ${host} kernel: ${OTHER}\n`;
      else {
        const m = recorded[lines % recorded.length]
          .replace(/SPT=\d+/, `SPT=${1024 + (lines % 60000)}`)
          .replace(/ID=\d+ /, `ID=${lines % 65536} `);
        chunk += `${stamp} ${host} kernel: ${m}\n`;
        conntrack++;
      }
    }
    written += writeSync(fd, chunk);
  }
  closeSync(fd);
  return { lines, conntrack };
}

interface Usage {
  wall: number;
  cpu: number;
  rssMiB: number;
}

// The child's CPU time and peak RSS come from getrusage(RUSAGE_CHILDREN), which Node does not
// expose; python3 (on every machine the tests run on) does, without assuming GNU time.
const RUSAGE = `
import resource, subprocess, sys, time
t = time.monotonic()
# Not /dev/null: GNU grep stops at the first match when its output goes nowhere.
child = subprocess.Popen(sys.argv[1:], stdout=subprocess.PIPE)
for _ in iter(lambda: child.stdout.read(1 << 16), b""):
    pass
code = child.wait()
wall = time.monotonic() - t
u = resource.getrusage(resource.RUSAGE_CHILDREN)
print(code, wall, u.ru_utime + u.ru_stime, u.ru_maxrss)
`;

function usage(command: string[]): Usage {
  const run = spawnSync("python3", ["-c", RUSAGE, ...command], { encoding: "utf8" });
  const [code, wall, cpu, maxKiB] = run.stdout.trim().split(" ").map(Number);
  // grep -c exits 1 when it counts nothing.
  if (run.status !== 0 || !(code === 0 || (command[0] === "grep" && code === 1)))
    throw new Error(`${command.join(" ")}: exit ${code}: ${run.stderr}`);
  return { wall, cpu, rssMiB: maxKiB / 1024 };
}

const dir = mkdtempSync(join(tmpdir(), "nfd-parse-file-"));
try {
  const file = join(dir, "kern.log");
  const t0 = Date.now();
  const { lines, conntrack } = generate(file);
  const mib = statSync(file).size / 2 ** 20;
  console.log(
    `generated ${lines.toLocaleString("en-US")} lines (${conntrack.toLocaleString("en-US")} conntrack), ` +
      `${mib.toFixed(0)} MiB in ${((Date.now() - t0) / 1000).toFixed(1)} s`,
  );
  console.log(
    `node ${process.version}, ${cpus().length} CPUs, load average ${loadavg()
      .map((l) => l.toFixed(1))
      .join(" ")}`,
  );
  const runs: Array<[string, Usage]> = [
    ["floor: grep -c nf_ct_", usage(["grep", "-c", "nf_ct_", file])],
    ["nfdebug parse (summary)", usage([process.execPath, CLI, "parse", file])],
    ["nfdebug parse --out", usage([process.execPath, CLI, "parse", file, "--out", join(dir, "bundle")])],
  ];
  for (const [name, u] of runs)
    console.log(
      `${name.padEnd(25)} ${u.wall.toFixed(2).padStart(7)} s wall ${u.cpu.toFixed(2).padStart(7)} s CPU ` +
        `${Math.round(lines / u.wall)
          .toLocaleString("en-US")
          .padStart(11)} lines/s ` +
        `${Math.round(lines / u.cpu)
          .toLocaleString("en-US")
          .padStart(11)} lines/CPU-s  peak RSS ${u.rssMiB.toFixed(0)} MiB`,
    );
  const [floor, parse, bundle] = runs.map(([, u]) => u);
  console.log(
    `nfdebug/floor: ${(parse.wall / floor.wall).toFixed(1)}× wall, ${(parse.cpu / floor.cpu).toFixed(1)}× CPU`,
  );
  console.log(`the bundle (--out): ${(bundle.wall / parse.wall).toFixed(1)}× the summary's wall time`);
  for (const [name, u] of [
    ["summary", parse],
    ["--out", bundle],
  ] as const) {
    console.log(
      u.rssMiB < RSS_TARGET_MIB
        ? `target met (${name}): peak RSS ${u.rssMiB.toFixed(0)} MiB < ${RSS_TARGET_MIB} MiB`
        : `target MISSED (${name}): peak RSS ${u.rssMiB.toFixed(0)} MiB ≥ ${RSS_TARGET_MIB} MiB`,
    );
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
