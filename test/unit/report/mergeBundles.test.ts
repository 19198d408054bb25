// nfdebug merge over bundles written from the recorded sample (test/fixtures/report): a fleet split
// into shards and merged again reads as the run over the whole fleet; bundles that are not shards
// of one run, or not bundles, are refused before anything is written.
import { test, after, before } from "node:test";
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BUNDLE_FILES, readBundle, writeBundle, type BundleManifest } from "../../../src/report/bundle.js";
import { mergeBundleDirs, readSourceBundle } from "../../../src/report/mergeBundleFiles.js";
import { mergeBundles } from "../../../src/report/mergeBundles.js";
import { buildReport } from "../../../src/report/summary.js";
import { writeReports } from "../../../src/report/write-reports.js";
import type { ReportInput } from "../../../src/report/model.js";
import { InputError } from "../../../src/errors.js";
import { sampleFleetInput } from "../../fixtures/report/sample.js";

// One folder for the file's cases, a subfolder each.
let root: string;
before(async () => {
  root = await mkdtemp(join(tmpdir(), "nfdebug-merge-test-"));
});
after(() => rm(root, { recursive: true, force: true }));
let cases = 0;
async function tempDir(): Promise<string> {
  const dir = join(root, String(++cases));
  await mkdir(dir);
  return dir;
}

/** The sample fleet with web-04 and web-05 on another kernel, so that the report has kernel groups. */
function fleetInput(): ReportInput {
  const input = sampleFleetInput();
  for (const h of input.hosts) if (h.name >= "web-04") h.kernel = "6.12.57+deb13-amd64";
  return input;
}

/** A bundle of `hosts` of the sample fleet, as a run over those hosts leaves it. */
async function shard(dir: string, hosts: string[], patch: Partial<ReportInput> = {}): Promise<string> {
  const input = fleetInput();
  const records = [...input.records].filter((r) => hosts.includes(r.host));
  await writeBundle(
    dir,
    { ...input, hosts: input.hosts.filter((h) => hosts.includes(h.name)), records, ...patch },
    { commandLine: ["nfdebug", "run", "tcp.yaml", "-l", hosts.join(",")] },
  );
  await writeReports(dir, await readBundle(dir));
  await mkdir(join(dir, "raw"));
  await mkdir(join(dir, "exec"));
  for (const h of hosts) {
    await writeFile(join(dir, "raw", `${h}.log`), `${h} kernel lines\n`);
    await writeFile(join(dir, "exec", `step2-${h}.log`), `${h} output\n[exit 0]\n`);
  }
  await writeFile(
    join(dir, "facts-before.json"),
    JSON.stringify(Object.fromEntries(hosts.map((h) => [h, { h }]))),
  );
  return dir;
}

const manifestOf = async (dir: string) =>
  JSON.parse(await readFile(join(dir, BUNDLE_FILES.manifest), "utf8")) as BundleManifest;

test("two shards merged read as one run over all their hosts: hosts, records, counters, totals and kernels", async () => {
  const dir = await tempDir();
  const a = await shard(join(dir, "a"), ["web-01", "web-02", "web-03"]);
  const b = await shard(join(dir, "b"), ["web-04", "web-05"]);
  const out = join(dir, "merged");
  const result = await mergeBundleDirs([a, b], out, {
    commandLine: ["nfdebug", "merge"],
    nfdebugVersion: "9.9.9",
  });

  const whole = buildReport(fleetInput());
  const merged = buildReport(await readBundle(out));
  assert.deepEqual(merged.totals, whole.totals);
  assert.equal(merged.totals.records, 306);
  assert.deepEqual(merged.reasons, whole.reasons);
  assert.deepEqual(merged.hosts, whole.hosts, "each host with its records, counters and changes");
  assert.deepEqual(merged.kernels, whole.kernels);
  assert.equal(merged.kernels.length, 2);
  assert.deepEqual(merged.timeline, whole.timeline);
  assert.equal(merged.verdict, whole.verdict);

  const manifest = await manifestOf(out);
  assert.equal(manifest.nfdebug, "9.9.9");
  assert.deepEqual(manifest.commandLine, ["nfdebug", "merge"]);
  assert.deepEqual(
    manifest.mergedFrom?.map((m) => [m.path, m.hosts, m.commandLine?.at(-1)]),
    [
      [a, ["web-01", "web-02", "web-03"], "web-01,web-02,web-03"],
      [b, ["web-04", "web-05"], "web-04,web-05"],
    ],
  );
  assert.deepEqual(
    manifest.steps.map((s) => [s.name, s.ok]),
    fleetInput().steps.map((s) => [s.name, s.ok]),
  );
  assert.equal(result.summary, join(out, "summary.md"));
  assert.ok((await readFile(join(out, "summary.md"), "utf8")).includes(whole.verdict));
  assert.ok((await readFile(join(out, "report.html"), "utf8")).includes(whole.verdict.slice(0, 40)));
  assert.deepEqual((await readdir(join(out, "raw"))).sort(), [
    "web-01.log",
    "web-02.log",
    "web-03.log",
    "web-04.log",
    "web-05.log",
  ]);
  assert.equal(await readFile(join(out, "exec", "step2-web-04.log"), "utf8"), "web-04 output\n[exit 0]\n");
  assert.deepEqual(Object.keys(JSON.parse(await readFile(join(out, "facts-before.json"), "utf8"))), [
    "web-01",
    "web-02",
    "web-03",
    "web-04",
    "web-05",
  ]);
  assert.equal(existsSync(join(out, "facts-after.json")), false, "no shard had facts after");
});

test("a host in two bundles is refused, naming both, and nothing is written", async () => {
  const dir = await tempDir();
  const a = await shard(join(dir, "a"), ["web-01", "web-02", "web-03"]);
  const b = await shard(join(dir, "b"), ["web-03", "web-04"]);
  const out = join(dir, "merged");
  await assert.rejects(mergeBundleDirs([a, b], out, { nfdebugVersion: "1" }), (err: unknown) => {
    assert.ok(err instanceof InputError);
    assert.equal(err.message, `host web-03 is in both ${a} and ${b}: each host may be in one bundle only`);
    return true;
  });
  assert.equal(existsSync(out), false);
});

test("bundles of different runbooks or profiles are refused, naming both bundles and what differs", async () => {
  const dir = await tempDir();
  const a = await shard(join(dir, "a"), ["web-01"]);
  const other = await shard(join(dir, "other"), ["web-02"], {
    runbook: { name: "udp-checksum", question: "?" },
  });
  const out = join(dir, "merged");
  await assert.rejects(
    mergeBundleDirs([a, other], out, { nfdebugVersion: "1" }),
    new InputError(
      `${a} and ${other} are not bundles of one run: runbook "tcp-invalid-triage" and runbook "udp-checksum"`,
    ),
  );
  const profile = await shard(join(dir, "profile"), ["web-03"], { profile: { name: "tcp-strict" } });
  await assert.rejects(
    mergeBundleDirs([a, profile], out, { nfdebugVersion: "1" }),
    /profile "tcp-invalid" and profile "tcp-strict"/,
  );
  assert.equal(existsSync(out), false);

  // The same runbook name, but the file changed between the runs (the manifests hash it).
  const [x, y] = await Promise.all([readSourceBundle(a), readSourceBundle(join(dir, "profile"))]);
  x.manifest.runbook.sha256 = "a".repeat(64);
  y.manifest.runbook.sha256 = "b".repeat(64);
  y.manifest.profile = x.manifest.profile;
  assert.throws(
    () => mergeBundles([x, y], "1"),
    new InputError(
      `${a} and ${profile} are not bundles of one run: runbook tcp-invalid-triage differs (sha256 aaaaaaaaaaaa and bbbbbbbbbbbb: the file changed between the runs)`,
    ),
  );
});

test("a folder that is not a bundle is refused, naming its manifest.json", async () => {
  const dir = await tempDir();
  const a = await shard(join(dir, "a"), ["web-01"]);
  const empty = join(dir, "empty");
  await mkdir(empty);
  const out = join(dir, "merged");
  await assert.rejects(mergeBundleDirs([a, empty], out, { nfdebugVersion: "1" }), (err: unknown) => {
    assert.ok(err instanceof InputError);
    assert.match(err.message, new RegExp(`^${join(empty, "manifest.json")}:1:1: cannot read: ENOENT`));
    return true;
  });
  const corrupt = join(dir, "corrupt");
  await mkdir(corrupt);
  await writeFile(join(corrupt, "manifest.json"), '{"format": 2, "runbook": ');
  await assert.rejects(
    mergeBundleDirs([a, corrupt], out, { nfdebugVersion: "1" }),
    new RegExp(`^InputError: ${join(corrupt, "manifest.json")}:1:\\d+: not valid JSON`),
  );
  await writeFile(join(corrupt, "manifest.json"), JSON.stringify({ ...(await manifestOf(a)), hosts: [{}] }));
  await assert.rejects(
    mergeBundleDirs([a, corrupt], out, { nfdebugVersion: "1" }),
    /manifest\.json:1:1: hosts\[0\]\.name must be a string/,
  );
  assert.equal(existsSync(out), false);
});

test("--out must be new or empty; one bundle, or one bundle twice, is no merge", async () => {
  const dir = await tempDir();
  const a = await shard(join(dir, "a"), ["web-01"]);
  const b = await shard(join(dir, "b"), ["web-02"]);
  await assert.rejects(
    mergeBundleDirs([a, b], a, { nfdebugVersion: "1" }),
    new RegExp(`^InputError: --out ${a}: the folder is not empty`),
  );
  await assert.rejects(mergeBundleDirs([a], join(dir, "m"), { nfdebugVersion: "1" }), /two or more bundles/);
  await assert.rejects(
    mergeBundleDirs([a, `${a}/`], join(dir, "m"), { nfdebugVersion: "1" }),
    new RegExp(`${a}/ is given twice`),
  );
  const empty = join(dir, "empty-out");
  await mkdir(empty);
  await mergeBundleDirs([a, b], empty, { nfdebugVersion: "1" });
  assert.equal((await manifestOf(empty)).hosts.length, 2);
});

test("steps are merged by their place in the runbook; a step only one shard ran follows the step it followed there", async () => {
  const dir = await tempDir();
  const input = fleetInput();
  const [apply, wait, collect, revert] = input.steps;
  const a = await shard(join(dir, "a"), ["web-01"], {
    steps: [apply, wait, { ...collect, message: "21 record(s) collected on 1 host(s)" }, revert],
  });
  const failedWait = { ...wait, ok: false, message: "interrupted", endedAt: "2026-11-25T12:16:00.000Z" };
  const always = { ...revert, name: "revert (always)" };
  const b = await shard(join(dir, "b"), ["web-02"], { steps: [apply, failedWait, always] });
  const merged = mergeBundles(await Promise.all([a, b].map(readSourceBundle)), "1");
  assert.deepEqual(
    merged.input.steps.map((s) => [s.name, s.ok, s.message ?? "", s.endedAt]),
    [
      ["apply", true, "", apply.endedAt],
      ["wait 5m", false, `${b}: interrupted`, "2026-11-25T12:16:00.000Z"],
      ["revert (always)", true, "", revert.endedAt],
      ["collect", true, `${a}: 21 record(s) collected on 1 host(s)`, collect.endedAt],
      ["revert", true, "", revert.endedAt],
    ],
  );
});

test("shards on one kernel log: a line both bundles read is kept once, in records.jsonl and in the host's files, with a note", async () => {
  const dir = await tempDir();
  // The kmsg lines of one machine; the window of shard b opened after the first 10 of them.
  const lines = [...fleetInput().records]
    .filter((r) => r.host === "web-01" || r.host === "web-02")
    .map((r, i) => ({ ...r, log_pos: String(1000 + i) }));
  const onSharedLog = async (name: string, host: string, records: typeof lines) => {
    const mine = records.map((r) => ({ ...r, host }));
    const bundle = await shard(join(dir, name), [host], {
      hosts: fleetInput()
        .hosts.filter((h) => h.name === host)
        .map((h) => ({ ...h, kernelLog: "boot-1/kmsg" })),
      records: mine,
    });
    // As a collect writes them: one record and one raw line per kernel line.
    await mkdir(join(bundle, "records"));
    await writeFile(
      join(bundle, "records", `${host}.jsonl`),
      mine.map((r) => `${JSON.stringify(r)}\n`).join(""),
    );
    await writeFile(join(bundle, "raw", `${host}.log`), mine.map((r) => `line ${r.log_pos}\n`).join(""));
    return bundle;
  };
  const a = await onSharedLog("a", "web-01", lines);
  const b = await onSharedLog("b", "web-02", lines.slice(10));
  assert.ok(lines.length > 20, `${lines.length} lines`);

  const out = join(dir, "merged");
  const result = await mergeBundleDirs([a, b], out, { nfdebugVersion: "1" });
  const note = `${lines.length - 10} line(s) that hosts of more than one bundle read from one kernel log (boot-1/kmsg) are kept once, for the bundle given first`;
  assert.deepEqual(result.merged.warnings, [note]);
  const jsonl = async (path: string) =>
    (await readFile(join(out, path), "utf8"))
      .split("\n")
      .filter((l) => l !== "")
      .map((l) => JSON.parse(l) as { host: string; log_pos: string });
  const merged = await jsonl(BUNDLE_FILES.records);
  assert.deepEqual(
    merged.map((r) => [r.host, r.log_pos]),
    lines.map((r) => ["web-01", r.log_pos]),
  );
  assert.equal((await jsonl("records/web-01.jsonl")).length, lines.length);
  assert.deepEqual(await jsonl("records/web-02.jsonl"), []);
  assert.equal(await readFile(join(out, "raw", "web-02.log"), "utf8"), "");
  assert.equal(
    await readFile(join(out, "raw", "web-01.log"), "utf8"),
    lines.map((r) => `line ${r.log_pos}\n`).join(""),
  );
  const report = buildReport(await readBundle(out));
  assert.equal(report.totals.records, lines.length);
  assert.ok(
    (await readFile(join(out, "summary.md"), "utf8")).includes("are kept once, for the bundle given first"),
  );

  // The pure merge leaves the shared log to the file step: no warning of its own.
  const sources = await Promise.all([a, b].map(readSourceBundle));
  assert.deepEqual(mergeBundles(sources, "1").warnings, []);
});
