// Command-line and environment settings of the benchmark scripts.
import { parseArgs } from "node:util";

export interface BenchSettings {
  sizes: number[];
  runs: number;
  tools: string[];
  warmup: boolean;
  /** Write every measurement as JSON here. */
  out?: string;
  /** Directory for `node --cpu-prof` profiles of the nfdebug runs. */
  cpuProfDir?: string;
}

export const TOOLS = ["floor", "nfdebug", "nfdebug-openssh", "ansible"];

export function numberList(text: string, what: string): number[] {
  const values = text.split(",").map((s) => Number(s.trim()));
  if (values.length === 0 || values.some((v) => !Number.isInteger(v) || v < 1)) {
    throw new Error(`${what}: "${text}" is not a comma-separated list of positive integers`);
  }
  return values;
}

const HELP = `usage: npm run bench -- [--sizes 20,50,100,200] [--runs 3] [--tools floor,nfdebug,nfdebug-openssh,ansible]
                       [--no-warmup] [--out results.json] [--cpu-prof DIR]
env: BENCH_SIZES, BENCH_RUNS, BENCH_TOOLS (the same values)`;

export function readSettings(argv: string[]): BenchSettings {
  const { values } = parseArgs({
    args: argv,
    options: {
      sizes: { type: "string", default: process.env.BENCH_SIZES ?? "20,50,100,200" },
      runs: { type: "string", default: process.env.BENCH_RUNS ?? "3" },
      tools: { type: "string", default: process.env.BENCH_TOOLS ?? TOOLS.join(",") },
      "no-warmup": { type: "boolean", default: false },
      out: { type: "string" },
      "cpu-prof": { type: "string" },
      help: { type: "boolean", default: false },
    },
  });
  if (values.help) {
    console.log(HELP);
    process.exit(0);
  }
  const tools = values.tools.split(",").map((t) => t.trim());
  const unknown = tools.filter((t) => !TOOLS.includes(t));
  if (unknown.length > 0)
    throw new Error(`--tools: unknown ${unknown.join(", ")} (known: ${TOOLS.join(", ")})`);
  return {
    sizes: numberList(values.sizes, "--sizes"),
    runs: numberList(values.runs, "--runs")[0],
    tools,
    warmup: !values["no-warmup"],
    out: values.out,
    cpuProfDir: values["cpu-prof"],
  };
}
