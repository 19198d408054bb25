// What `nfdebug parse` was given, as inputs to read: files, "-" for standard input, directories
// (every file in them) and sosreports (one copy of the kernel log, not three).
import { createReadStream, type Stats } from "node:fs";
import { readdir, readFile, stat } from "node:fs/promises";
import { basename, join } from "node:path";
import { createGunzip } from "node:zlib";
import { InputError, errorMessage } from "../../errors.js";

export interface SavedInput {
  /** The path as the user wrote it (or "-"), for messages and log positions. */
  label: string;
  path: string | null;
  /** Dates year-less syslog stamps: the file's mtime (its last line is not after it), or now. */
  latest: Date;
  /** The host name a sosreport records, when there is one. */
  host: string | null;
  /** Why this file was picked, for a sosreport. */
  note?: string;
}

const GZIP_MAGIC = [0x1f, 0x8b];

/** The bytes of an input, gunzipped when they start with gzip's magic number. */
export async function* inputBytes(input: SavedInput): AsyncGenerator<Buffer> {
  const raw = input.path === null ? process.stdin : createReadStream(input.path);
  const chunks = raw[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  const first = await chunks.next();
  if (first.done) return;
  const rest: AsyncIterable<Buffer> = {
    async *[Symbol.asyncIterator]() {
      yield first.value;
      for (let c = await chunks.next(); !c.done; c = await chunks.next()) yield c.value;
    },
  };
  if (first.value[0] === GZIP_MAGIC[0] && first.value[1] === GZIP_MAGIC[1]) {
    const gunzip = createGunzip();
    const feed = (async () => {
      for await (const chunk of rest)
        if (!gunzip.write(chunk)) await new Promise((r) => gunzip.once("drain", r));
      gunzip.end();
    })();
    feed.catch((err: unknown) => gunzip.destroy(err as Error));
    try {
      for await (const chunk of gunzip) yield chunk as Buffer;
    } catch (err) {
      throw new InputError("", [
        { file: input.label, line: 1, col: 1, message: `not readable as gzip: ${errorMessage(err)}` },
      ]);
    }
    await feed;
  } else yield* rest;
}

/**
 * Lines of an input (without "\n" or "\r\n"), decoded as UTF-8, a chunk's worth at a time: an
 * await per line would cost more than parsing it.
 */
export async function* inputLines(bytes: AsyncIterable<Buffer>): AsyncGenerator<string[]> {
  let rest = "";
  const decoder = new TextDecoder("utf-8");
  const complete = (lines: string[]) => lines.map((l) => (l.endsWith("\r") ? l.slice(0, -1) : l));
  for await (const chunk of bytes) {
    const lines = (rest + decoder.decode(chunk, { stream: true })).split("\n");
    rest = lines.pop() ?? "";
    yield complete(lines);
  }
  rest += decoder.decode();
  if (rest !== "") yield complete([rest]);
}

// In a sosreport, the same kernel log is in var/log (the longest history), in the journal export
// and in dmesg (the ring buffer only): one is read, the others are named.
const SOS_SOURCES: Array<{ what: string; match: (relative: string) => boolean }> = [
  { what: "syslog files", match: (p) => /^var\/log\/(kern\.log|messages)([.-][^/]*)?$/.test(p) },
  { what: "journal", match: (p) => /^sos_commands\/logs\/journalctl_--no-pager/.test(p) },
  { what: "dmesg", match: (p) => /^sos_commands\/kernel\/dmesg/.test(p) },
];

async function listFiles(dir: string, prefix = ""): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(join(dir, prefix), { withFileTypes: true })) {
    const relative = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (
      entry.isDirectory() &&
      (relative === "var" || relative === "var/log" || relative.startsWith("sos_commands"))
    )
      out.push(...(await listFiles(dir, relative)));
    else if (entry.isFile()) out.push(relative);
  }
  return out;
}

async function statOf(path: string): Promise<Stats> {
  try {
    return await stat(path);
  } catch (err) {
    throw new InputError("", [{ file: path, line: 1, col: 1, message: `cannot read: ${errorMessage(err)}` }]);
  }
}

/** Files oldest first (rotated logs before the current one), by modification time then name. */
async function byAge(paths: string[]): Promise<Array<{ path: string; mtime: Date }>> {
  const withTimes = await Promise.all(
    paths.map(async (path) => ({ path, mtime: (await statOf(path)).mtime })),
  );
  return withTimes.sort((a, b) => a.mtime.getTime() - b.mtime.getTime() || a.path.localeCompare(b.path));
}

async function sosreportInputs(dir: string): Promise<SavedInput[]> {
  const files = await listFiles(dir);
  const host = (await readFile(join(dir, "hostname"), "utf8").catch(() => "")).trim() || basename(dir);
  const found = SOS_SOURCES.map((s) => ({ ...s, files: files.filter(s.match) })).filter(
    (s) => s.files.length > 0,
  );
  if (found.length === 0)
    throw new InputError("", [
      {
        file: dir,
        line: 1,
        col: 1,
        message: "a sosreport without var/log/messages, kern.log, a journal export or dmesg",
      },
    ]);
  const [chosen, ...others] = found;
  const note =
    `sosreport ${dir}: reading its ${chosen.what}` +
    (others.length > 0 ? ` (its ${others.map((o) => o.what).join(" and ")} hold the same kernel log)` : "");
  return (await byAge(chosen.files.map((f) => join(dir, f)))).map(({ path, mtime }, i) => ({
    label: path,
    path,
    latest: mtime,
    host,
    ...(i === 0 ? { note } : {}),
  }));
}

/** FILE, DIR or "-" arguments → inputs in reading order. */
export async function resolveInputs(args: string[]): Promise<SavedInput[]> {
  const inputs: SavedInput[] = [];
  for (const arg of args.length > 0 ? args : ["-"]) {
    if (arg === "-") {
      inputs.push({ label: "-", path: null, latest: new Date(), host: null });
      continue;
    }
    const info = await statOf(arg);
    if (!info.isDirectory()) {
      inputs.push({ label: arg, path: arg, latest: info.mtime, host: null });
      continue;
    }
    const entries = await readdir(arg);
    if (entries.includes("sos_commands")) {
      inputs.push(...(await sosreportInputs(arg)));
      continue;
    }
    const files = [];
    for (const name of entries.filter((n) => !n.startsWith(".")))
      if ((await statOf(join(arg, name))).isFile()) files.push(join(arg, name));
    if (files.length === 0)
      throw new InputError("", [
        { file: arg, line: 1, col: 1, message: "a directory without files to parse" },
      ]);
    for (const { path, mtime } of await byAge(files))
      inputs.push({ label: path, path, latest: mtime, host: null });
  }
  return inputs;
}
