import { test, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, readFile, readdir, rename, rm, writeFile, unlink } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BUNDLE_FILES, readBundle, writeBundle } from "../../../src/report/bundle.js";
import { writeReports } from "../../../src/report/write-reports.js";
import { buildReport } from "../../../src/report/summary.js";
import { InputError } from "../../../src/errors.js";
import { failedHost, sampleFleetInput } from "../../fixtures/report/sample.js";

const dirs: string[] = [];
after(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});
async function tempDir(): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), "nfdebug-bundle-test-"));
  dirs.push(d);
  return d;
}

test("a bundle written and read back renders the same report", async () => {
  const dir = await tempDir();
  const input = sampleFleetInput();
  input.hosts.push(failedHost("db-1", "unreachable", "connect ECONNREFUSED"));
  await writeBundle(dir, input, { commandLine: ["nfdebug", "run", "tcp.yaml"] });
  assert.deepEqual((await readdir(dir)).sort(), [
    "changes.json",
    "counters.json",
    "manifest.json",
    "records.jsonl",
  ]);

  const manifest = JSON.parse(await readFile(join(dir, BUNDLE_FILES.manifest), "utf8"));
  assert.deepEqual([manifest.format, manifest.recordSchema], [3, 2]);
  assert.deepEqual(manifest.commandLine, ["nfdebug", "run", "tcp.yaml"]);
  assert.equal((await readFile(join(dir, BUNDLE_FILES.records), "utf8")).trimEnd().split("\n").length, 306);

  const back = await readBundle(dir);
  const again = buildReport(back);
  const original = buildReport(input);
  assert.equal(again.verdict, original.verdict);
  assert.deepEqual(again.reasons, original.reasons);
  assert.deepEqual(again.hosts, original.hosts);
  assert.deepEqual(again.timeline, original.timeline);
});

test("writeReports writes summary.md and report.html", async () => {
  const dir = await tempDir();
  const { summary, html, report } = await writeReports(dir, sampleFleetInput());
  assert.equal(summary, join(dir, "summary.md"));
  assert.equal(html, join(dir, "report.html"));
  assert.ok((await readFile(summary, "utf8")).includes(report.verdict));
  assert.ok((await readFile(html, "utf8")).includes('data-series="udp.bad_checksum"'));
});

test("changes, counters and records are optional", async () => {
  const dir = await tempDir();
  await writeBundle(dir, sampleFleetInput());
  for (const f of [BUNDLE_FILES.changes, BUNDLE_FILES.counters, BUNDLE_FILES.records])
    await unlink(join(dir, f));
  const back = await readBundle(dir);
  assert.equal([...back.records].length, 0);
  assert.deepEqual(back.hosts[0].changes, []);
  assert.equal(back.hosts[0].counters, undefined);
  assert.equal(
    buildReport(back).verdict,
    "No INVALID packets were logged on any of 5 hosts during the 5m window.",
  );
});

test("a format 1 bundle's changes are read from plan.json, its name then", async () => {
  const dir = await tempDir();
  const input = sampleFleetInput();
  await writeBundle(dir, input);
  await rename(join(dir, BUNDLE_FILES.changes), join(dir, "plan.json"));
  const manifestPath = join(dir, BUNDLE_FILES.manifest);
  const manifest = JSON.parse(await readFile(manifestPath, "utf8"));
  await writeFile(manifestPath, JSON.stringify({ ...manifest, format: 1 }));
  const back = await readBundle(dir);
  assert.ok(input.hosts.some((h) => h.changes.length > 0));
  assert.deepEqual(
    back.hosts.map((h) => h.changes),
    input.hosts.map((h) => h.changes),
  );
});

test("a format 2 bundle's records (record schema 1) are read with window renamed tcp_window, in place", async () => {
  const dir = await tempDir();
  const input = sampleFleetInput();
  await writeBundle(dir, input);
  const manifestPath = join(dir, BUNDLE_FILES.manifest);
  const { recordSchema, ...manifest } = JSON.parse(await readFile(manifestPath, "utf8"));
  assert.equal(recordSchema, 2);
  await writeFile(manifestPath, JSON.stringify({ ...manifest, format: 2 }));
  const recordsPath = join(dir, BUNDLE_FILES.records);
  const schema2 = await readFile(recordsPath, "utf8");
  assert.ok(schema2.includes('"tcp_window":8192'));
  await writeFile(recordsPath, schema2.replaceAll('"tcp_window":', '"window":'));
  const back = [...(await readBundle(dir)).records];
  assert.equal(back.map((r) => JSON.stringify(r) + "\n").join(""), schema2);
});

test("a missing manifest is an input error naming the file", async () => {
  const dir = await tempDir();
  await assert.rejects(readBundle(dir), (err: unknown) => {
    assert.ok(err instanceof InputError);
    assert.equal(err.problems[0].file, join(dir, "manifest.json"));
    assert.match(err.message, /manifest\.json:1:1: cannot read: ENOENT/);
    return true;
  });
});

test("malformed JSON is located at line and column", async () => {
  const dir = await tempDir();
  await writeFile(join(dir, BUNDLE_FILES.manifest), '{\n  "format": 1,\n  "runbook": oops\n}\n');
  await assert.rejects(readBundle(dir), (err: unknown) => {
    assert.ok(err instanceof InputError);
    assert.deepEqual([err.problems[0].line, err.problems[0].col], [3, 14]);
    return true;
  });
});

test("a manifest of the wrong shape says what is wrong", async () => {
  const dir = await tempDir();
  await writeFile(
    join(dir, BUNDLE_FILES.manifest),
    JSON.stringify({ format: 1, runbook: { name: "x" }, profile: { name: "p" } }),
  );
  await assert.rejects(readBundle(dir), /manifest\.json:1:1: startedAt and endedAt must be ISO 8601 strings/);
});

test("a broken records line is reported with its line number", async () => {
  const dir = await tempDir();
  await writeBundle(dir, sampleFleetInput());
  const path = join(dir, BUNDLE_FILES.records);
  const lines = (await readFile(path, "utf8")).split("\n");
  lines[4] = lines[4].slice(0, 30);
  await writeFile(path, lines.join("\n"));
  // Records are read as the report iterates them: the error comes from building the report.
  const back = await readBundle(dir);
  assert.throws(() => buildReport(back), /records\.jsonl:5:1: not a JSON record/);
});

test("JSON errors of other shapes are located too", async () => {
  const cases: Array<[string, [number, number]]> = [
    ['{"a": x}', [1, 7]], // short source, V8 quotes all of it
    ['{\n"format": 1,\n"b": [1, 2,, 3], "c": "some more text here"}', [3, 12]], // near the start of its context
    ['{"format": 1}\n{"again": 2}', [2, 1]], // trailing data: V8 gives the position
    ['{\n  "format": 1,\n', [3, 1]], // cut short
  ];
  for (const [text, where] of cases) {
    const dir = await tempDir();
    await writeFile(join(dir, BUNDLE_FILES.manifest), text);
    await assert.rejects(readBundle(dir), (err: unknown) => {
      assert.ok(err instanceof InputError);
      assert.deepEqual(
        [err.problems[0].line, err.problems[0].col],
        where,
        `${JSON.stringify(text)}: ${err.message}`,
      );
      return true;
    });
  }
});
