// The marker line search: incremental over byte chunks (what the SSH transport feeds it) must
// agree with the search over the whole text, wherever the chunks are cut.
import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { afterMarkerLine, LineMarkerScan } from "../../../src/transport/lineMarker.js";
import { FollowUpConversation } from "../../../src/transport/followUp.js";

const MARKER = "@@facts-end";

/** Feeds `bytes` cut at `cuts`; the offset the scan reports, and after which chunk. */
function scanInChunks(bytes: Buffer, cuts: number[], line = MARKER): { offset: number; chunk: number } {
  const scan = new LineMarkerScan(line);
  const bounds = [0, ...[...new Set(cuts)].filter((c) => c > 0 && c < bytes.length).sort((a, b) => a - b)];
  bounds.push(bytes.length);
  for (let i = 0; i + 1 < bounds.length; i++) {
    const offset = scan.push(bytes.subarray(bounds[i], bounds[i + 1]));
    if (offset >= 0) return { offset, chunk: i };
  }
  return { offset: -1, chunk: -1 };
}

test("a marker split across two chunks is found, at every cut", () => {
  const text = `@@section\tkernel\n6.1.0\n${MARKER}\nafter\n`;
  const bytes = Buffer.from(text);
  const expected = text.indexOf("after");
  for (let cut = 1; cut < bytes.length; cut++) {
    assert.equal(scanInChunks(bytes, [cut]).offset, expected, `cut at ${cut}`);
  }
});

test("a marker dribbled one byte per chunk is found on the byte that completes it", () => {
  const text = `x\n${MARKER}\ntail`;
  const { offset, chunk } = scanInChunks(
    Buffer.from(text),
    [...text].map((_, i) => i),
  );
  assert.equal(offset, text.indexOf("tail"));
  assert.equal(chunk, text.indexOf("tail") - 1, "the chunk holding the marker's newline");
});

test("only whole lines count: at the very start, not inside a longer line, not without its newline", () => {
  assert.equal(scanInChunks(Buffer.from(`${MARKER}\nrest`), [3]).offset, MARKER.length + 1);
  assert.equal(scanInChunks(Buffer.from(`x${MARKER}\n`), [4]).offset, -1);
  assert.equal(scanInChunks(Buffer.from(`${MARKER}x\n`), [4]).offset, -1);
  assert.equal(scanInChunks(Buffer.from(`a\n${MARKER}`), [4]).offset, -1);
  // the first of two, even when the second one arrives in the same chunk
  const two = `a\n${MARKER}\nb\n${MARKER}\nc`;
  assert.equal(scanInChunks(Buffer.from(two), [5]).offset, two.indexOf("b"));
});

test("once found, the scan keeps answering the same offset", () => {
  const scan = new LineMarkerScan(MARKER);
  assert.equal(scan.push(Buffer.from(`${MARKER}\n`)), MARKER.length + 1);
  assert.equal(scan.push(Buffer.from(`${MARKER}\n`)), MARKER.length + 1);
});

test("property: the chunked scan agrees with the whole-text search (byte offsets, UTF-8 text)", () => {
  const piece = fc.oneof(
    fc.constantFrom(MARKER, `${MARKER}\n`, "\n", `\n${MARKER}`, "@@", "é", "\u{1F600}"),
    fc.string({ maxLength: 8 }),
  );
  fc.assert(
    fc.property(
      fc.array(piece, { maxLength: 12 }),
      fc.array(fc.nat(200), { maxLength: 8 }),
      (pieces, cuts) => {
        const text = pieces.join("");
        const bytes = Buffer.from(text);
        const at = afterMarkerLine(text, MARKER);
        const expected = at < 0 ? -1 : Buffer.byteLength(text.slice(0, at));
        assert.equal(scanInChunks(bytes, cuts).offset, expected);
      },
    ),
    { seed: 20261125, numRuns: 2000 },
  );
});

test("follow-up: next() gets the stdout so far once the marker line is complete, then stdin ends once", () => {
  const seen: string[] = [];
  const ended: (string | undefined)[] = [];
  const conversation = new FollowUpConversation(
    {
      afterLine: MARKER,
      next: (stdout) => {
        seen.push(stdout);
        return "echo second";
      },
    },
    (last) => ended.push(last),
  );
  const bytes = Buffer.from(`héllo\n${MARKER}\nmore`);
  // cut inside "é" and inside the marker
  for (const chunk of [bytes.subarray(0, 2), bytes.subarray(2, 10), bytes.subarray(10)]) {
    conversation.onStdout(chunk);
  }
  conversation.onStdout(Buffer.from(`\n${MARKER}\n`));
  assert.deepEqual(seen, [`héllo\n${MARKER}\nmore`]);
  assert.equal(ended.length, 1);
  assert.match(ended[0] ?? "", /echo second/);
  assert.equal(conversation.failure(), undefined);
});
