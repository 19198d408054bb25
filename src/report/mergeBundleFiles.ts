// The folders of `nfdebug merge`: reads the bundles, checks everything before it writes anything,
// then writes one bundle — per-host files copied, records.jsonl concatenated (a line of a kernel
// log that several bundles read kept once: mergeSharedLog.ts), facts joined, the
// manifest of mergeBundles, and the report rendered again by writeReports.
//
// Top-level files other than the bundle's own (BUNDLE_FILES, facts, a format 1 plan.json) are not
// carried over: nfdebug did not write them and cannot say what joining them would mean.
import { constants, createReadStream, createWriteStream } from "node:fs";
import { copyFile, mkdir, open, readdir, rm, stat, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { pipeline } from "node:stream/promises";
import { InputError, errorMessage } from "../errors.js";
import { BUNDLE_FILES, bundleInput, readBundle, readManifest, writeBundle } from "./bundle.js";
import { readJsonFile } from "./bundle-json.js";
import { mergeBundles, type MergedBundle, type SourceBundle } from "./mergeBundles.js";
import { appendRecordsWithout, planSharedLog, sharedLogNote, type SharedLogPlan } from "./mergeSharedLog.js";
import { writeReports } from "./write-reports.js";

/** Facts per host (engine-owned, not read by the report): joined host by host. */
const FACTS_FILES = [BUNDLE_FILES.factsBefore, BUNDLE_FILES.factsAfter];

export interface MergeResult {
  out: string;
  merged: MergedBundle;
  summary: string;
  html: string;
}

/** Merges the bundle folders `dirs` into `out`, which must not exist or be empty. */
export async function mergeBundleDirs(
  dirs: string[],
  out: string,
  options: { commandLine?: string[]; nfdebugVersion: string },
): Promise<MergeResult> {
  const sources = await Promise.all(dirs.map(readSourceBundle));
  const merged = mergeBundles(sources, options.nfdebugVersion);
  const copies = await perHostFiles(sources);
  const facts = await Promise.all(FACTS_FILES.map((name) => joinedFacts(dirs, name)));
  const shared = await planSharedLog(sources, BUNDLE_FILES.records);
  const note = sharedLogNote(shared);
  if (note) {
    merged.warnings.push(note);
    merged.input.steps.push({
      name: "note",
      ok: true,
      startedAt: merged.input.endedAt,
      endedAt: merged.input.endedAt,
      message: note,
    });
  }
  const created = await claimOutDir(out);
  try {
    await copyPerHostFiles(copies, dirs, shared, out);
    if (shared.droppedCount === 0) await concatenateRecords(dirs, join(out, BUNDLE_FILES.records));
    else {
      await writeFile(join(out, BUNDLE_FILES.records), "");
      for (const [i, dir] of dirs.entries())
        await appendRecordsWithout(
          join(dir, BUNDLE_FILES.records),
          join(out, BUNDLE_FILES.records),
          shared.dropped[i],
          shared.kernelOf,
        );
    }
    for (const [i, name] of FACTS_FILES.entries())
      if (facts[i]) await writeFile(join(out, name), `${JSON.stringify(facts[i], null, 2)}\n`);
    await writeBundle(
      out,
      { ...merged.input, records: [] },
      {
        ...(options.commandLine ? { commandLine: options.commandLine } : {}),
        mergedFrom: merged.mergedFrom,
        ...(merged.inventoryHosts ? { inventoryHosts: merged.inventoryHosts } : {}),
        recordsWritten: true,
      },
    );
    const { summary, html } = await writeReports(out, await readBundle(out));
    return { out, merged, summary, html };
  } catch (err) {
    // Half a bundle is worse than none: leave --out as it was found.
    await (created ? rm(out, { recursive: true, force: true }) : emptyDir(out)).catch(() => undefined);
    throw err;
  }
}

/**
 * The per-host files, copied; a host's records/ and raw/ files without the records an earlier
 * bundle has (mergeSharedLog.ts), when its bundle has any.
 */
async function copyPerHostFiles(
  copies: Map<string, string>,
  dirs: string[],
  shared: SharedLogPlan,
  out: string,
): Promise<void> {
  const filtered = new Set<string>();
  for (const [path, from] of copies) {
    const dropped = shared.dropped[dirs.indexOf(from)];
    const host = /^records\/(.+)\.jsonl$/.exec(path);
    if (!host || dropped.size === 0) continue;
    const rawPath = join("raw", `${host[1]}.log`);
    const raw =
      copies.get(rawPath) === from ? { from: join(from, rawPath), to: join(out, rawPath) } : undefined;
    for (const p of [path, rawPath]) await mkdir(dirname(join(out, p)), { recursive: true });
    await writeFile(join(out, path), "", { flag: "wx" });
    await appendRecordsWithout(join(from, path), join(out, path), dropped, shared.kernelOf, raw);
    filtered.add(path);
    if (raw) filtered.add(rawPath);
  }
  for (const [path, from] of copies) {
    if (filtered.has(path)) continue;
    await mkdir(dirname(join(out, path)), { recursive: true });
    await copyFile(join(from, path), join(out, path), constants.COPYFILE_EXCL);
  }
}

/** A bundle folder read in: its manifest (InputError naming manifest.json when it is no bundle). */
export async function readSourceBundle(dir: string): Promise<SourceBundle> {
  const manifest = await readManifest(dir);
  return { dir, manifest, input: await bundleInput(dir, manifest) };
}

/**
 * Every file below the bundles' subfolders (raw/, records/, pcap/, exec/ …), relative path →
 * bundle folder. Host names differ, so the files do; two bundles with one path are refused.
 */
async function perHostFiles(sources: SourceBundle[]): Promise<Map<string, string>> {
  const owner = new Map<string, string>();
  const clashes: string[] = [];
  for (const { dir } of sources) {
    for (const path of await filesBelow(dir)) {
      const before = owner.get(path);
      if (before !== undefined) clashes.push(`${path} is in both ${before} and ${dir}`);
      else owner.set(path, dir);
    }
  }
  if (clashes.length > 0) throw new InputError(clashes.join("\n"));
  return owner;
}

/** Regular files in the subfolders of dir, relative to dir ("raw/h001.log"). */
async function filesBelow(dir: string, sub = ""): Promise<string[]> {
  const entries = await readdir(join(dir, sub), { withFileTypes: true }).catch((err) => {
    throw new InputError(`${join(dir, sub)}: cannot read: ${errorMessage(err)}`);
  });
  const files: string[] = [];
  for (const e of entries) {
    const path = sub ? join(sub, e.name) : e.name;
    if (e.isDirectory()) files.push(...(await filesBelow(dir, path)));
    else if (sub && e.isFile()) files.push(path);
  }
  return files;
}

/**
 * --out must not exist or be an empty folder: a merge never writes into another bundle. Returns
 * whether it made the folder.
 */
export async function claimOutDir(out: string): Promise<boolean> {
  let entries: string[];
  try {
    if (!(await stat(out)).isDirectory()) throw new InputError(`--out ${out}: exists and is not a folder`);
    entries = await readdir(out);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw asInputError(err, `--out ${out}`);
    await mkdir(out, { recursive: true });
    return true;
  }
  if (entries.length > 0)
    throw new InputError(
      `--out ${out}: the folder is not empty (${entries.length} entries): give a new or empty one`,
    );
  return false;
}

async function emptyDir(dir: string): Promise<void> {
  for (const name of await readdir(dir)) await rm(join(dir, name), { recursive: true, force: true });
}

/** The bundles' records.jsonl one after another, byte for byte (each ends in a newline). */
async function concatenateRecords(dirs: string[], to: string): Promise<void> {
  await writeFile(to, "");
  for (const dir of dirs) {
    const from = join(dir, BUNDLE_FILES.records);
    const size = await stat(from).then(
      (s) => s.size,
      (err: NodeJS.ErrnoException) => {
        if (err.code === "ENOENT") return 0; // no records: an optional file
        throw asInputError(err, from);
      },
    );
    if (size === 0) continue;
    await pipeline(createReadStream(from), createWriteStream(to, { flags: "a" }));
    if (!(await endsWithNewline(from, size))) await writeFile(to, "\n", { flag: "a" });
  }
}

async function endsWithNewline(path: string, size: number): Promise<boolean> {
  const file = await open(path, "r");
  try {
    const last = Buffer.alloc(1);
    await file.read(last, 0, 1, size - 1);
    return last[0] === 0x0a;
  } finally {
    await file.close();
  }
}

/** facts-before.json / facts-after.json: one object keyed by host; undefined when no bundle has one. */
async function joinedFacts(dirs: string[], name: string): Promise<Record<string, unknown> | undefined> {
  const parts = await Promise.all(
    dirs.map((dir) => readJsonFile<Record<string, unknown>>(join(dir, name), checkObject, {})),
  );
  if (parts.every((p) => Object.keys(p).length === 0)) return undefined;
  return Object.assign({}, ...parts);
}

const checkObject = (v: unknown) =>
  typeof v === "object" && v !== null && !Array.isArray(v) ? undefined : "expected an object keyed by host";

function asInputError(err: unknown, what: string): InputError {
  return err instanceof InputError ? err : new InputError(`${what}: ${errorMessage(err)}`);
}
