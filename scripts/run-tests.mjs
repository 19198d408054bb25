#!/usr/bin/env node
// Runs the compiled node:test files of the named suites (unit, integration, vm).
// Node 20's `node --test DIR` silently finds nothing for some layouts, so list files explicitly
// and fail loudly when a suite has none. The vm suite runs once per Debian release of the VM
// harness (NFDEBUG_VM_RELEASE=bookworm, then trixie: kernels 6.1 and 6.12); set NFDEBUG_VM_RELEASE
// to run it on one release only. The other suites run once.
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { spawnSync } from "node:child_process";
import { performance } from "node:perf_hooks";

const suites = process.argv.slice(2);
if (suites.length === 0) suites.push("unit");
function walk(dir, files) {
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path, files);
    else if (name.endsWith(".test.js")) files.push(path);
  }
  return files;
}
const filesOf = (suite) => {
  let files = [];
  try {
    files = walk(join("dist", "test", suite), []);
  } catch {
    // a missing folder is reported below as an empty suite
  }
  if (files.length === 0) {
    console.error(`run-tests: suite "${suite}" has no compiled test files under dist/test/${suite}`);
    process.exit(1);
  }
  return files;
};
const once = suites.filter((suite) => suite !== "vm").flatMap(filesOf);
const vmFiles = suites.includes("vm") ? filesOf("vm") : [];

const concurrency = process.env.NFDEBUG_TEST_CONCURRENCY ?? "1";
function run(files, env = process.env) {
  const result = spawnSync(
    process.execPath,
    ["--test", `--test-concurrency=${concurrency}`, "--test-reporter=spec", ...files],
    { stdio: "inherit", env },
  );
  return result.status ?? 1;
}

let status = once.length > 0 ? run(once) : 0;
if (vmFiles.length > 0) {
  const { VM_RELEASES, releaseFromEnv } = await import(
    pathToFileURL(join("dist", "test", "fleet", "vm", "recipe.js")).href
  );
  const releases = process.env.NFDEBUG_VM_RELEASE ? [releaseFromEnv()] : VM_RELEASES;
  for (const release of releases) {
    const started = performance.now();
    console.log(`run-tests: vm suite on ${release}`);
    const code = run(vmFiles, { ...process.env, NFDEBUG_VM_RELEASE: release });
    const took = ((performance.now() - started) / 1000).toFixed(0);
    console.log(
      `run-tests: vm suite on ${release}: ${code === 0 ? "passed" : `failed (${code})`} in ${took} s`,
    );
    if (status === 0) status = code;
  }
}
process.exit(status);
