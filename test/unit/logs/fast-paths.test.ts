// The parser's fast paths against the plain way they shortcut (src/logs/fast-paths.ts): every
// fixture line, and lines made from them by random cuts, insertions, deletions and case changes,
// must parse to the same record either way. The golden test pins the records of the fixture
// lines; this one reaches the places where a shortcut could read past a token's or a quoted
// packet's end, or take a reason for another.
import { test } from "node:test";
import assert from "node:assert/strict";
import { inspect } from "node:util";
import { classifyReasonAt } from "../../../src/logs/classify.js";
import { fastPaths } from "../../../src/logs/fast-paths.js";
import { parseLogLine } from "../../../src/logs/parse.js";
import { corpus } from "./corpus.js";
import { seededRandom } from "../../support/seededRandom.js";

const FILES = [
  "kernel-6.18.txt",
  "kernel-6.12.txt",
  "kernel-6.1.txt",
  "kernel-spellings.txt",
  "printk-6.1.txt",
];
const ctx = { host: "h1", time: null };
const MUTANTS_PER_LINE = 150;

// Characters that end, start or split tokens, and ones that keys and values are made of.
const INSERTS = [
  " ",
  " ",
  "=",
  "[",
  "]",
  "(",
  ")",
  ":",
  "0",
  "7",
  "x",
  "A",
  "C",
  "K",
  "P",
  "S",
  "T",
  "U",
  "\t",
];

function mutate(line: string, rnd: () => number): string {
  let s = line;
  const edits = 1 + Math.floor(rnd() * 3);
  for (let e = 0; e < edits && s.length > 0; e++) {
    const at = Math.floor(rnd() * s.length);
    switch (Math.floor(rnd() * 6)) {
      case 0: // cut short, as a syslog line limit does
        s = s.slice(0, at);
        break;
      case 1:
        s = s.slice(0, at) + INSERTS[Math.floor(rnd() * INSERTS.length)] + s.slice(at);
        break;
      case 2:
        s = s.slice(0, at) + s.slice(at + 1);
        break;
      case 3:
        s = s.slice(0, at) + INSERTS[Math.floor(rnd() * INSERTS.length)] + s.slice(at + 1);
        break;
      case 4: {
        // A token twice.
        const end = s.indexOf(" ", at);
        const start = s.lastIndexOf(" ", at) + 1;
        const token = s.slice(start, end < 0 ? s.length : end);
        s = s.slice(0, start) + token + " " + s.slice(start);
        break;
      }
      default: {
        const to = Math.min(s.length, at + 1 + Math.floor(rnd() * 12));
        const part = s.slice(at, to);
        s = s.slice(0, at) + (rnd() < 0.5 ? part.toLowerCase() : part.toUpperCase()) + s.slice(to);
      }
    }
  }
  return s;
}

function record(message: string, fast: boolean): string {
  fastPaths.enabled = fast;
  try {
    return inspect(parseLogLine(message, ctx), { depth: Infinity, breakLength: Infinity });
  } finally {
    fastPaths.enabled = true;
  }
}

test("fast paths parse every fixture line and thousands of mangled ones as the plain way does", () => {
  const rnd = seededRandom(16);
  const lines = FILES.flatMap((f) => corpus(f)).map((l) => l.message);
  assert.ok(lines.length >= 150, `fixture lines: ${lines.length}`);
  let compared = 0;
  for (const line of lines) {
    for (let k = 0; k <= MUTANTS_PER_LINE; k++) {
      const message = k === 0 ? line : mutate(line, rnd);
      assert.equal(record(message, true), record(message, false), `differs for: ${JSON.stringify(message)}`);
      compared++;
    }
  }
  assert.ok(compared > 20_000, `compared ${compared}`);
});

test("the fast paths answer for the recorded lines (so the comparison above exercises them)", () => {
  const lines = ["kernel-6.18.txt", "kernel-6.12.txt", "kernel-6.1.txt"].flatMap((f) => corpus(f));
  let conntrack = 0;
  let answered = 0;
  for (const { message } of lines) {
    const tag = /^nf_ct_proto_(\d+): /.exec(message);
    const dump = message.indexOf(" IN=");
    if (!tag || dump < 0) continue;
    conntrack++;
    if (classifyReasonAt(Number(tag[1]), message, tag[0].length, dump) !== undefined) answered++;
  }
  assert.ok(conntrack >= 50, `recorded INVALID lines: ${conntrack}`);
  // SCTP's reasons name their tracker ("nf_ct_sctp: …") and go the plain way; nearly all others
  // are answered in the line.
  assert.ok(answered / conntrack > 0.8, `answered in the line: ${answered} of ${conntrack}`);
});
