// Which catalogue spellings were seen on which real kernel: each format's `seen` list equals the
// kernels whose recorded INVALID lines (test/fixtures/logs/kernel-<release>.txt, recorded by
// record-kernel-lines.py on Debian 12's 6.1, Debian 13's 6.12 and this machine's 6.18) use it.
import { test } from "node:test";
import assert from "node:assert/strict";
import { CATALOGUE, type ReasonFormat } from "../../../src/logs/catalogue.js";
import { parseLogLine } from "../../../src/logs/parse.js";
import { compilePrintf } from "../../../src/logs/printf-pattern.js";
import { inKernelRange } from "../../../src/logs/kernel-range.js";
import { L4PROTO } from "../../../src/protocols.js";
import { corpus, readFixture } from "./corpus.js";

/** The upstream release of each recording: Debian's `uname -v` ("Debian 6.1.176-1"), as its facts show. */
const RELEASE: Record<string, string> = { "6.1": "6.1.176", "6.12": "6.12.117", "6.18": "6.18.44" };
const RECORDED = Object.keys(RELEASE);

/** The catalogue's format for a recorded line's reason, by the line's protocol. */
function formatOf(l4proto: number | null, reason: string): ReasonFormat | undefined {
  const text = reason.replace(/^nf_ct_[a-z0-9]+: /, "").trim();
  for (const entry of CATALOGUE) {
    if (l4proto !== null && L4PROTO[entry.protocol] !== l4proto) continue;
    for (const format of entry.formats) {
      const matches = format.text.includes("%")
        ? compilePrintf(format.text, { strings: "word", ignoreCase: true }).regex.test(text)
        : format.text.toLowerCase() === text.toLowerCase();
      if (matches) return format;
    }
  }
  return undefined;
}

function seenOnRecordings(): Map<ReasonFormat, string[]> {
  const seen = new Map<ReasonFormat, string[]>();
  for (const kernel of RECORDED) {
    for (const line of corpus(`kernel-${kernel}.txt`)) {
      const record = parseLogLine(line.message, { host: "h", time: null });
      if (record.reason_id === "unknown" || record.reason === null) continue;
      const format = formatOf(record.l4proto ?? null, record.reason);
      assert.ok(format, `${kernel} ${line.case}: no catalogue format for "${record.reason}"`);
      const kernels = seen.get(format) ?? [];
      if (!kernels.includes(kernel)) kernels.push(kernel);
      seen.set(format, kernels);
    }
  }
  return seen;
}

test("every spelling's seen list names exactly the recorded kernels that printed it", () => {
  const seen = seenOnRecordings();
  assert.ok(seen.size >= 10, `${seen.size} spellings seen on recorded kernels`);
  const wrong: string[] = [];
  for (const entry of CATALOGUE)
    for (const format of entry.formats) {
      const expected = seen.get(format) ?? [];
      const stated = format.seen ?? [];
      if (expected.join(",") !== stated.join(","))
        wrong.push(`${entry.id} "${format.text}": seen on [${expected}], catalogue says [${stated}]`);
    }
  assert.deepEqual(wrong, []);
});

test("a spelling seen on a recorded kernel is one its sources' range names for that release", () => {
  for (const kernel of RECORDED) {
    const release = RELEASE[kernel];
    // "# Recorded on Linux 6.12.117+deb13-amd64 by ..." (Debian 12 names its ABI: 6.1.0-50-amd64)
    assert.match(
      readFixture(`kernel-${kernel}.txt`),
      new RegExp(`^# Recorded on Linux ${kernel.replace(".", "\\.")}\\.`),
    );
    for (const entry of CATALOGUE)
      for (const format of entry.formats)
        if (format.seen?.includes(kernel))
          assert.ok(inKernelRange(format.kernels, release), `${entry.id} "${format.text}" on ${release}`);
  }
});
