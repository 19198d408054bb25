// What the hardening properties feed and how they look at the result: hostile strings, and a real
// `sh` that runs a generated script (sent on stdin, as Connection.runScript does) with a stub
// function that reports the arguments it received, byte for byte.
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import fc from "fast-check";

/**
 * Every property runs RUNS times with this seed; each run renders BATCH values into one script, so
 * a property checks RUNS × BATCH = 500 values with RUNS `sh` processes.
 */
export const SEED = 9_2026;
export const RUNS = 20;
export const BATCH = 25;
export const PROPERTY = { seed: SEED, numRuns: RUNS };

const SPECIAL = [
  "'",
  '"',
  "\\",
  "$",
  "`",
  "(",
  ")",
  "{",
  "}",
  ";",
  "&",
  "|",
  "<",
  ">",
  "*",
  "?",
  "[",
  "]",
  "~",
  "#",
  "!",
  "\n",
  "\r",
  "\t",
  " ",
  "-",
  "=",
  "%",
  "\0",
  "\x1b",
  "\u202e",
  "é",
  "💥",
  "\ud800",
  "@@",
  "EOF",
];

const CORPUS = [
  "$(reboot)",
  "`id`",
  "'; rm -rf / #",
  "a'b\"c",
  "x; reboot",
  "a\nb",
  "line\n@@done\topened",
  "--help",
  "-rf",
  "-",
  "*",
  "/*",
  "~root",
  "${IFS}",
  "$((1+1))",
  "$HOME",
  "!!",
  "\\",
  "'",
  "",
  " ",
  "\0",
  "a\0b",
  "x=y",
  "PATH=/tmp",
  "NFDEBUG_EOF",
  "\nNFDEBUG_EOF\n",
  "NFDEBUG_MARK_EOF",
  "a\tb",
  "\u0000\u0001\u001f\u007f",
  "\ud83d",
  "é\u0301",
  "\u202eevil",
];

/** Random and hostile strings: any code point (lone surrogates too), shell syntax, long ones. */
export const hostile: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.string({ unit: "binary", maxLength: 40 }) },
  { weight: 3, arbitrary: fc.string({ unit: fc.constantFrom(...SPECIAL), maxLength: 12 }) },
  { weight: 2, arbitrary: fc.constantFrom(...CORPUS) },
  {
    weight: 2,
    arbitrary: fc
      .tuple(fc.string({ maxLength: 8 }), fc.constantFrom(...SPECIAL, ...CORPUS), fc.string({ maxLength: 8 }))
      .map((parts) => parts.join("")),
  },
  { weight: 1, arbitrary: fc.string({ unit: "grapheme", minLength: 1000, maxLength: 5000 }) },
);

/** A batch of hostile strings for one run of a property. */
export const hostileBatch = fc.array(hostile, { minLength: BATCH, maxLength: BATCH });

/**
 * `nfd_args ARGS...` prints "$#" then each argument, each followed by a NUL: the one byte no shell
 * word can hold, so the framing is unambiguous whatever the arguments contain.
 */
export const ARGS_STUB = `nfd_args() { printf '%s\\0' "$#"; for a in "$@"; do printf '%s\\0' "$a"; done; }`;

/** Runs `script` with `sh -s` (stdin), like the SSH transport; returns stdout bytes. */
export function runSh(script: string, env: NodeJS.ProcessEnv = {}): Buffer {
  return execFileSync("sh", ["-s"], {
    input: Buffer.from(script, "utf8"),
    env: { PATH: process.env.PATH, ...env },
    maxBuffer: 64 << 20,
  });
}

/** Splits ARGS_STUB output (possibly several calls) into argument lists, as bytes. */
export function parseArgs(out: Buffer): Buffer[][] {
  const calls: Buffer[][] = [];
  let pos = 0;
  const next = (): Buffer => {
    const end = out.indexOf(0, pos);
    if (end === -1) throw new Error(`truncated stub output at byte ${pos}`);
    const field = out.subarray(pos, end);
    pos = end + 1;
    return field;
  };
  while (pos < out.length) {
    const count = Number(next().toString("latin1"));
    if (!Number.isInteger(count)) throw new Error("stub output out of frame");
    calls.push(Array.from({ length: count }, next));
  }
  return calls;
}

/** The bytes a value should arrive as: its UTF-8 encoding (what the script text is sent as). */
export const bytes = (value: string | number): Buffer => Buffer.from(String(value), "utf8");

/** Equal as bytes? (a message that shows both when not). */
export function sameBytes(actual: Buffer[], expected: (string | number)[]): boolean {
  return actual.length === expected.length && actual.every((b, i) => b.equals(bytes(expected[i])));
}

/** A marker no generated value will contain, to find a probe's output after a script's own. */
export function probeMarker(): string {
  return `NFD-PROBE-${randomBytes(8).toString("hex")}`;
}

/** Does `fn` throw? (validation rejected the value). */
export function rejects(fn: () => unknown): boolean {
  try {
    fn();
    return false;
  } catch {
    return true;
  }
}
