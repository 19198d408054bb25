// A guest kernel oops under emulation: found in recorded consoles of the Debian 13 VM, recorded for
// the test runner, and the runner's single retry of a VM test file whose guest oopsed (run for real
// on a scratch dist/ tree with test files that fail the way a dead guest makes them fail).
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { FAULT_LOG_ENV, guestOops, recordGuestFault } from "../../fleet/vm/guest-faults.js";
import { fixtureFolder } from "../logs/corpus.js";

const consoles = fixtureFolder("vm-console");
const boot = join(consoles, "debian-6.12-tcg-boot.txt");
const panicTail = join(consoles, "debian-6.12-tcg-panic.tail.txt");

function scratch(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), "nfd-guest-faults-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

test("a healthy boot's console has no oops; a missing console is not one either", () => {
  assert.match(readFileSync(boot, "utf8"), /debvm login:/);
  assert.equal(guestOops(boot), undefined);
  assert.equal(guestOops("/nonexistent/console.log"), undefined);
});

test("the panic of a TCG boot is found after a healthy boot's lines, from its first line to its end", (t) => {
  const consoleFile = join(scratch(t), "console.log");
  writeFileSync(consoleFile, readFileSync(boot, "utf8") + readFileSync(panicTail, "utf8"));
  const oops = guestOops(consoleFile);
  assert.ok(oops);
  const lines = oops.split("\n");
  assert.match(lines[0], /^\[\s+2\.549794\] Kernel panic - not syncing: Fatal exception in interrupt$/);
  assert.match(
    lines.at(-1) ?? "",
    /---\[ end Kernel panic - not syncing: Fatal exception in interrupt \]---$/,
  );
  assert.equal(lines.length, 4);
});

test("the excerpt starts at the first oops line and stops after 40 lines", (t) => {
  const consoleFile = join(scratch(t), "console.log");
  const tail = readFileSync(panicTail, "utf8");
  writeFileSync(consoleFile, tail.repeat(5));
  const oops = guestOops(consoleFile);
  assert.ok(oops);
  assert.equal(oops.split("\n").length, 40);
  assert.ok(oops.startsWith("[    2.549794] Kernel panic"));
});

test("a fault is appended to the runner's log when it named one, and nowhere when it did not", (t) => {
  const log = join(scratch(t), "faults.log");
  const saved = process.env[FAULT_LOG_ENV];
  t.after(() => {
    if (saved === undefined) delete process.env[FAULT_LOG_ENV];
    else process.env[FAULT_LOG_ENV] = saved;
  });
  delete process.env[FAULT_LOG_ENV];
  recordGuestFault("first", "oops one");
  assert.throws(() => readFileSync(log), { code: "ENOENT" });
  process.env[FAULT_LOG_ENV] = log;
  recordGuestFault("run A: the guest kernel oopsed", "oops one");
  recordGuestFault("run B: the guest kernel oopsed", "oops two");
  assert.equal(
    readFileSync(log, "utf8"),
    "run A: the guest kernel oopsed\noops one\n\nrun B: the guest kernel oopsed\noops two\n\n",
  );
});

// scripts/run-tests.mjs, run on a scratch tree: dist/test/vm/*.test.js and the recipe module it reads.
const runner = fileURLToPath(new URL("../../../../scripts/run-tests.mjs", import.meta.url));

/** A VM test file that fails on its first `failures` runs, recording an oops on those runs when `oops`. */
function vmTestFile(name: string, failures: number, oops: boolean): string {
  return `import { test } from "node:test";
import { appendFileSync, readFileSync, writeFileSync } from "node:fs";
const counter = new URL("./${name}.runs", import.meta.url);
let runs = 0;
try { runs = Number(readFileSync(counter, "utf8")); } catch {}
writeFileSync(counter, String(++runs));
test("${name}", () => {
  if (runs > ${failures}) return;
  if (${oops}) appendFileSync(process.env.NFDEBUG_VM_FAULT_LOG, "${name}: the guest kernel oopsed\\n[    2.5] Kernel panic - not syncing\\n\\n");
  throw new Error("ssh: Connection timed out during banner exchange");
});
`;
}

/** This process's environment without node:test's mark, which makes a nested `node --test` run nothing. */
function runnerEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, NFDEBUG_VM_RELEASE: "trixie" };
  delete env.NODE_TEST_CONTEXT;
  delete env[FAULT_LOG_ENV];
  return env;
}

function runVmSuite(t: { after(fn: () => void): void }, files: Record<string, string>) {
  const root = scratch(t);
  mkdirSync(join(root, "dist/test/vm"), { recursive: true });
  mkdirSync(join(root, "dist/test/fleet/vm"), { recursive: true });
  writeFileSync(
    join(root, "dist/test/fleet/vm/recipe.js"),
    'export const VM_RELEASES = ["trixie"];\nexport const releaseFromEnv = () => "trixie";\n',
  );
  for (const [name, body] of Object.entries(files)) writeFileSync(join(root, "dist/test/vm", name), body);
  const result = spawnSync(process.execPath, [runner, "vm"], {
    cwd: root,
    encoding: "utf8",
    env: runnerEnv(),
  });
  const runs = (name: string) => Number(readFileSync(join(root, "dist/test/vm", `${name}.runs`), "utf8"));
  return { code: result.status, out: result.stdout, runs };
}

test("run-tests: a VM test file that failed while its guest oopsed runs again, once, and says why", (t) => {
  const { code, out, runs } = runVmSuite(t, {
    "a.test.js": vmTestFile("a", 1, true),
    "b.test.js": vmTestFile("b", 0, false),
  });
  assert.equal(code, 0, out);
  assert.equal(runs("a"), 2);
  assert.equal(runs("b"), 1);
  assert.match(out, /dist\/test\/vm\/a\.test\.js on trixie failed while its guest failed under emulation/);
  assert.match(out, /a: the guest kernel oopsed\n\[ {4}2\.5\] Kernel panic - not syncing/);
  assert.match(out, /running dist\/test\/vm\/a\.test\.js again, once/);
  assert.match(out, /run-tests: vm suite on trixie: passed/);
});

test("run-tests: a failure without an oops is not run again, and one that oopses twice fails", (t) => {
  const { code, out, runs } = runVmSuite(t, {
    "a.test.js": vmTestFile("a", 1, false),
    "b.test.js": vmTestFile("b", 2, true),
    "c.test.js": vmTestFile("c", 0, false),
  });
  assert.equal(code, 1, out);
  assert.equal(runs("a"), 1);
  assert.equal(runs("b"), 2);
  assert.equal(runs("c"), 1);
  assert.doesNotMatch(out, /running dist\/test\/vm\/a\.test\.js again/);
  assert.match(out, /run-tests: vm suite on trixie: failed \(1\)/);
});
