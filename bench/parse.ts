// Parse benchmark: parseLogLine over two inputs, each beside a naive baseline in the same run.
// - packet-dump lines: 1,000,000 INVALID lines of the shapes recorded on Linux 6.18, addresses,
//   ports and sequence numbers varied (bench/parseInputs.ts);
// - fixture mix: the kernel lines of test/fixtures/logs (recorded, other kernels' spellings, other
//   kernel messages, printk lines) repeated to the same count.
// The baseline is what a quick script would do: split on spaces, key=value into an object.
// Throughput is given per CPU-second (process.cpuUsage: user + system of the whole process, GC
// threads included) and per wall-clock second; the machine is shared, so CPU-seconds are the
// figure that counts. Each contender runs --runs times, interleaved, and the median is reported.
// Run: npm run bench:parse [-- --lines N --runs N --json]   (or: node dist/bench/parse.js [lines])
import { cpus, loadavg } from "node:os";
import { parseArgs } from "node:util";
import { parseLogLine } from "../src/logs/parse.js";
import { fixtureMix, packetDumpLines } from "./parseInputs.js";

const TARGET = 1_000_000;

const { values, positionals } = parseArgs({
  options: {
    lines: { type: "string" },
    runs: { type: "string", default: "5" },
    json: { type: "boolean", default: false },
  },
  allowPositionals: true,
});
const COUNT = Number(values.lines ?? positionals[0] ?? 1_000_000);
const RUNS = Number(values.runs);
if (!(Number.isInteger(COUNT) && COUNT > 0 && Number.isInteger(RUNS) && RUNS > 0))
  throw new Error("usage: node dist/bench/parse.js [--lines N] [--runs N] [--json]");

/** Baseline: split on spaces and "=", no structure. */
function naive(line: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const token of line.split(" ")) {
    const eq = token.indexOf("=");
    if (eq > 0) out[token.slice(0, eq)] = token.slice(eq + 1);
  }
  return out;
}

interface Run {
  wall: number;
  cpu: number;
}

function timeOnce<T>(inputs: readonly T[], fn: (x: T) => unknown): Run {
  let sink = 0;
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < inputs.length; i++) if (fn(inputs[i])) sink++;
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const used = process.cpuUsage(cpu0);
  if (sink < 0) console.log(sink); // keeps the results alive for the optimiser
  return { wall: inputs.length / seconds, cpu: inputs.length / ((used.user + used.system) / 1e6) };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const fmt = (n: number) => Math.round(n).toLocaleString("en-US");

interface Contender {
  label: string;
  inputs: readonly string[];
  fn: (line: string) => unknown;
  runs: Run[];
}

const ctx = { host: "bench", time: null };
const parse = (l: string) => parseLogLine(l, ctx).sport !== null;

const t0 = Date.now();
const dumps = packetDumpLines(COUNT);
const mix = fixtureMix(COUNT);
const avg = (ls: string[]) => Math.round(ls.reduce((n, l) => n + l.length, 0) / ls.length);
console.log(
  `inputs: ${fmt(COUNT)} packet-dump lines (avg ${avg(dumps)} chars), ${fmt(COUNT)} fixture-mix lines ` +
    `(avg ${avg(mix)} chars), made in ${Date.now() - t0} ms`,
);
console.log(
  `node ${process.version}, ${process.arch}, ${cpus().length} CPUs, load average ${loadavg()
    .map((l) => l.toFixed(1))
    .join(" ")}; ${RUNS} runs each, interleaved, medians`,
);

const contenders: Contender[] = [
  { label: "packet-dump: parseLogLine", inputs: dumps, fn: parse, runs: [] },
  { label: "packet-dump: baseline naive split", inputs: dumps, fn: naive, runs: [] },
  { label: "fixture mix: parseLogLine", inputs: mix, fn: parse, runs: [] },
  { label: "fixture mix: baseline naive split", inputs: mix, fn: naive, runs: [] },
];
if (values.json) {
  // Its own input, made from the naive records; timed on JSON.parse only.
  const jsonLines = dumps.map((l) => JSON.stringify(naive(l)));
  contenders.push({ label: "packet-dump: baseline JSON.parse", inputs: jsonLines, fn: JSON.parse, runs: [] });
}

// Warm up every contender on a slice so the JIT has compiled each before it is timed.
for (const c of contenders) timeOnce(c.inputs.slice(0, 50_000), c.fn);
for (let r = 0; r < RUNS; r++) for (const c of contenders) c.runs.push(timeOnce(c.inputs, c.fn));

const summary = new Map<string, Run>();
for (const c of contenders) {
  const cpu = median(c.runs.map((x) => x.cpu));
  const wall = median(c.runs.map((x) => x.wall));
  summary.set(c.label, { cpu, wall });
  const spread = c.runs.map((x) => fmt(x.cpu)).join(", ");
  console.log(
    `${c.label.padEnd(36)} ${fmt(cpu).padStart(11)} lines/CPU-s ${fmt(wall).padStart(11)} lines/s wall  (CPU runs: ${spread})`,
  );
}
for (const input of ["packet-dump", "fixture mix"]) {
  const parsed = summary.get(`${input}: parseLogLine`) as Run;
  const base = summary.get(`${input}: baseline naive split`) as Run;
  console.log(
    `${input}: parseLogLine / naive split = ${(parsed.cpu / base.cpu).toFixed(2)}× per CPU-second, ` +
      `${(parsed.wall / base.wall).toFixed(2)}× wall`,
  );
}

const reasons = new Map<string, number>();
for (const l of dumps) {
  const id = parseLogLine(l, ctx).reason_id;
  reasons.set(id, (reasons.get(id) ?? 0) + 1);
}
console.log(
  `packet-dump reason ids: ${[...reasons]
    .sort((a, b) => b[1] - a[1])
    .map(([id, n]) => `${id} ${n}`)
    .join(", ")}`,
);
const cpu = (summary.get("packet-dump: parseLogLine") as Run).cpu;
console.log(
  cpu >= TARGET
    ? `target met: ${fmt(cpu)} ≥ ${fmt(TARGET)} packet-dump lines per CPU-second (median)`
    : `target MISSED: ${fmt(cpu)} < ${fmt(TARGET)} packet-dump lines per CPU-second (median)`,
);
