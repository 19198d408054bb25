// Every shell file shipped to hosts parses under POSIX sh (dash, Debian's /bin/sh) with `sh -n`:
// a quote that ends an embedded awk program early (an apostrophe in a HELP text did) breaks every
// script built from that file, so it fails here before any host sees it.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const SRC = fileURLToPath(new URL("../../../../src/", import.meta.url));

function shellFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? shellFiles(join(dir, e.name)) : e.name.endsWith(".sh") ? [join(dir, e.name)] : [],
  );
}

test("every shipped .sh file parses under sh -n", () => {
  const files = shellFiles(SRC);
  assert.ok(files.length >= 30, `found ${files.length} shell files under src/`);
  const broken = files.flatMap((file) => {
    const run = spawnSync("sh", ["-n", file], { encoding: "utf8" });
    return run.status === 0 ? [] : [`${relative(SRC, file)}: ${run.stderr.trim()}`];
  });
  assert.deepEqual(broken, []);
});
