// The records parseLogLine gives for every fixture line (test/fixtures/logs/*.txt), and for every
// line made from one by cutting it at a space, upper-casing its reason or giving its numbers other
// digits, compared with fingerprints of the records the parser gave at 2f870f5, before any work
// on its speed (test/fixtures/logs/parse-golden.txt). A fingerprint covers every field, in order,
// with undefined values and nested objects, so any change of behaviour shows here with its line.
// Record schema 2 renamed window to tcp_window: regenerated then, after checking that the records
// with the key named window again gave exactly the old fingerprints.
// After an intended change of behaviour: NFDEBUG_UPDATE_GOLDEN=1 node --test dist/test/unit/logs/parse-golden.test.js
import { test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { writeFileSync } from "node:fs";
import { inspect } from "node:util";
import { parseLogLine } from "../../../src/logs/parse.js";
import { corpus, fixturePath, readFixture } from "./corpus.js";

const GOLDEN = "parse-golden.txt";
const FILES = ["kernel-6.18.txt", "kernel-spellings.txt", "printk-6.1.txt"];
const ctx = { host: "h1", time: "2026-11-25T12:00:00.000Z", log_pos: "42" };

/** The line, and lines derived from it that reach the parser's other branches. */
function variants(message: string): string[] {
  const out = [message];
  for (let k = message.indexOf(" "); k >= 0; k = message.indexOf(" ", k + 1)) {
    out.push(message.slice(0, k), message.slice(0, k + 1));
  }
  const dump = message.indexOf(" IN=");
  if (dump > 0) {
    out.push(message.slice(0, dump).toUpperCase() + message.slice(dump));
    out.push(
      message.slice(0, dump).replace(/\d/g, (d) => String((Number(d) + 7) % 10)) + message.slice(dump),
    );
  }
  out.push(message.replace(/=(\d+)/g, "=$1$1"), message.replace(/ (?=[A-Z]+=)/g, "  "));
  return out;
}

const hash = (text: string) => createHash("sha256").update(text).digest("hex").slice(0, 16);

function fingerprint(message: string): string {
  const record = parseLogLine(message, ctx);
  return hash(inspect(record, { depth: Infinity, breakLength: Infinity, maxArrayLength: Infinity }));
}

test("every fixture line and its variants parse to the records recorded before the fast paths", () => {
  const lines = FILES.flatMap((f) => corpus(f));
  const actual = lines.map(
    (l) =>
      `${l.file}\t${l.case}\t${fingerprint(l.message)}\t${hash(variants(l.message).map(fingerprint).join(""))}`,
  );
  if (process.env.NFDEBUG_UPDATE_GOLDEN === "1") {
    const head =
      "# fingerprints of parseLogLine's records: file, case, the line's record, its variants' records\n";
    writeFileSync(fixturePath("README.md").replace(/README\.md$/, GOLDEN), head + actual.join("\n") + "\n");
  }
  const expected = readFixture(GOLDEN)
    .split("\n")
    .filter((l) => l && !l.startsWith("#"));
  assert.equal(actual.length, expected.length);
  assert.ok(actual.length >= 130, `fixture lines: ${actual.length}`);
  for (let k = 0; k < actual.length; k++) {
    assert.equal(actual[k], expected[k], `line ${k}: ${lines[k].message}`);
  }
});
