#!/usr/bin/env node
// Runs the compiled node:test files of the named suites (unit, integration, vm).
// Node 20's `node --test DIR` silently finds nothing for some layouts, so list files explicitly
// and fail loudly when a suite has none. The vm suite runs once per Debian release of the VM
// harness (NFDEBUG_VM_RELEASE=bookworm, then trixie: kernels 6.1 and 6.12); set NFDEBUG_VM_RELEASE
// to run it on one release only. The other suites run once.
//
// A VM test file that fails while its guest kernel oopsed or stopped answering (an emulator fault:
// the harness finds it in the console, or in a power-off that never came, and records it in
// $NFDEBUG_VM_FAULT_LOG, see test/fleet/vm/guest-faults.ts) runs again, once; the first run's
// output stays above, and the console is printed. Any other failure stands.
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
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
  const faultDir = mkdtempSync(join(tmpdir(), "nfdebug-vm-faults-"));
  const faultLog = join(faultDir, "faults.log");
  const faultsSoFar = () => {
    try {
      return readFileSync(faultLog, "utf8");
    } catch {
      return "";
    }
  };
  const runVmFile = (file, release) => {
    const env = { ...process.env, NFDEBUG_VM_RELEASE: release, NFDEBUG_VM_FAULT_LOG: faultLog };
    const before = faultsSoFar().length;
    const code = run([file], env);
    const oopses = faultsSoFar().slice(before);
    if (code === 0 || oopses === "") return code;
    console.log(
      `run-tests: ${file} on ${release} failed while its guest failed under emulation:\n${oopses}run-tests: running ${file} again, once`,
    );
    return run([file], env);
  };
  for (const release of releases) {
    const started = performance.now();
    console.log(`run-tests: vm suite on ${release}`);
    let code = 0;
    for (const file of vmFiles) code = runVmFile(file, release) || code;
    const took = ((performance.now() - started) / 1000).toFixed(0);
    console.log(
      `run-tests: vm suite on ${release}: ${code === 0 ? "passed" : `failed (${code})`} in ${took} s`,
    );
    if (status === 0) status = code;
  }
  rmSync(faultDir, { recursive: true, force: true });
}
process.exit(status);
