import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { MalformedAnswer } from "../../../src/errors.js";
import { FRAMES, FRAME_SH, framedFiles, parseFrame, parseFrames } from "../../../src/shell/frame.js";
import { shippedFile } from "../../../src/shell/shipped.js";
import { runSh } from "../logs/sources/run-script.js";

const SRC = fileURLToPath(new URL("../../../../src/", import.meta.url));

test("every tag parses into at most its fields, the last one keeping the rest of the line", () => {
  for (const [tag, { min, max }] of Object.entries(FRAMES)) {
    const values = Array.from({ length: max + 1 }, (_, i) => `v${i}`);
    const frame = parseFrame(["@@" + tag, ...values].join("\t"));
    const expected = max === 0 ? [] : [...values.slice(0, max - 1), values.slice(max - 1).join("\t")];
    assert.deepEqual(frame, { tag, fields: expected }, tag);
    assert.equal(parseFrame(["@@" + tag, ...values.slice(0, min)].join("\t"))?.fields.length, min, tag);
  }
});

test("a record keeps its tabs and any @@-like text; lines without @@ are noise", () => {
  const record = "5,11,90,-;nf_ct_proto_6: a\tb @@end\t@@R\tx";
  assert.deepEqual(parseFrame(`@@R\t${record}`), { tag: "R", fields: [record] });
  assert.deepEqual(parseFrame("@@file\tstart.out\t@@pos\t1\t2\t3"), {
    tag: "file",
    fields: ["start.out", "@@pos\t1\t2\t3"],
  });
  assert.equal(parseFrame("R\tnot a frame"), null);
  assert.equal(parseFrame(" @@end"), null);
  assert.equal(parseFrame(""), null);
});

test("origin prefixes take the shape of the tag they prefix", () => {
  assert.deepEqual(parseFrame("@@rollback-drift\tsysctl:x\tk\t1\t2"), {
    tag: "rollback-drift",
    fields: ["sysctl:x", "k", "1", "2"],
  });
  assert.throws(() => parseFrame("@@rollback-drift\tsysctl:x"), MalformedAnswer);
});

test("a line cut short or an unknown tag is a MalformedAnswer", () => {
  assert.throws(() => parseFrame("@@R"), MalformedAnswer);
  assert.throws(() => parseFrame("@@clock\tboot\t1"), /has 2 of its 3 fields/);
  assert.throws(() => parseFrame("@@change\tsysctl:x\tkey\t0"), MalformedAnswer);
  assert.throws(() => parseFrame("@@nosuchtag\tx"), /unknown host frame/);
  assert.throws(() => parseFrames("@@marks\tW\t1\n@@file\tsource"), MalformedAnswer);
});

test("framed files come back whole, in line order, one text per name", () => {
  const files = framedFiles(
    parseFrames("@@file\ta\tone\nnoise\n@@file\tb\t\n@@file\ta\ttwo\tthree\n@@end\n"),
  );
  assert.deepEqual(
    [...files],
    [
      ["a", "one\ntwo\tthree"],
      ["b", ""],
    ],
  );
});

test("frame.sh frames what the TypeScript parser reads back: nfd_emit, and nfd_frame with and without a last newline", () => {
  const out = runSh(
    `${shippedFile(FRAME_SH)}\nnfd_emit "fail\${TAB}remote\${TAB}a\tb"\nprintf 'x\\t@@end\\n\\nlast' | nfd_frame file n`,
  );
  assert.deepEqual(parseFrames(out), [
    { tag: "fail", fields: ["remote", "a\tb"] },
    { tag: "file", fields: ["n", "x\t@@end"] },
    { tag: "file", fields: ["n", ""] },
    { tag: "file", fields: ["n", "last"] },
  ]);
});

function shippedShell(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return shippedShell(path);
    return /\.(sh|awk)$/.test(name) ? [path] : [];
  });
}

test("every tag the shell and awk files print is one of FRAMES", () => {
  const printed = new Set<string>();
  for (const path of shippedShell(SRC)) {
    const text = readFileSync(path, "utf8");
    for (const m of text.matchAll(/nfd_emit "([a-z-]+)|@@([a-z]+|R)\\t|nfd_frame ([a-z]+)/g))
      printed.add(m[1] ?? m[2] ?? m[3]);
  }
  assert.ok(printed.size > 20, `found ${printed.size} tags: the scan is broken`);
  // "rollback-revert": an origin prefix before a tag of FRAMES.
  for (const tag of printed)
    assert.ok(tag.replace(/^.*-/, "") in FRAMES, `${tag} is printed but not in FRAMES`);
});
