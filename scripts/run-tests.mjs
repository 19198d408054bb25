#!/usr/bin/env node
// Runs the compiled node:test files of the named suites (unit, integration, vm).
// Node 20's `node --test DIR` silently finds nothing for some layouts, so list files explicitly
// and fail loudly when a suite has none.
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { spawnSync } from "node:child_process";

const suites = process.argv.slice(2);
if (suites.length === 0) suites.push("unit");
const files = [];
function walk(dir) {
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path);
    else if (name.endsWith(".test.js")) files.push(path);
  }
}
for (const suite of suites) {
  const before = files.length;
  try {
    walk(join("dist", "test", suite));
  } catch {
    // a missing folder is reported below as an empty suite
  }
  if (files.length === before) {
    console.error(`run-tests: suite "${suite}" has no compiled test files under dist/test/${suite}`);
    process.exit(1);
  }
}
const concurrency = process.env.NFDEBUG_TEST_CONCURRENCY ?? "1";
const result = spawnSync(
  process.execPath,
  ["--test", `--test-concurrency=${concurrency}`, "--test-reporter=spec", ...files],
  { stdio: "inherit" },
);
process.exit(result.status ?? 1);
