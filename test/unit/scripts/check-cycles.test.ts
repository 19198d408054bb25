// scripts/check-cycles.mjs (run by `npm run lint`) on tiny folders written here: it must fail and
// name the circle when files import each other in a circle, and pass when they do not.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { REPO_ROOT } from "../files/repo-root.js";
import { withTempTree } from "./temp-tree.js";

const SCRIPT = join(REPO_ROOT, "scripts", "check-cycles.mjs");

function checkFolder(files: Record<string, string>) {
  return withTempTree("nfdebug-cycles-", files, (dir) =>
    spawnSync(process.execPath, [SCRIPT, "src"], { cwd: dir, encoding: "utf8" }),
  );
}

test("a circle through a type-only import and a lazy import() fails and is named", () => {
  const result = checkFolder({
    "src/a.ts": 'import type { B } from "./b/b.js";\nexport type A = B;\n',
    "src/b/b.ts": 'export type B = string;\nexport const load = () => import("../c.js");\n',
    "src/c.ts": 'export { type A } from "./a.js";\n',
    "src/d.ts": 'import "./a.js";\n',
  });
  assert.equal(result.status, 1, result.stderr);
  assert.match(result.stderr, /import cycle: src\/a\.ts → src\/b\/b\.ts → src\/c\.ts → src\/a\.ts/);
  assert.match(result.stderr, /1 import cycle/);
  assert.doesNotMatch(result.stderr, /d\.ts/);
});

test("a file that imports itself is a cycle", () => {
  const result = checkFolder({ "src/self.ts": 'import * as me from "./self.js";\nexport const x = me;\n' });
  assert.equal(result.status, 1);
  assert.match(result.stderr, /import cycle: src\/self\.ts → src\/self\.ts/);
});

test("a folder without circles passes; packages and missing files are not followed", () => {
  const result = checkFolder({
    "src/a.ts": 'import { b } from "./b.js";\nimport ts from "typescript";\nexport const a = [b, ts];\n',
    "src/b.ts": 'import "./gone.js";\nexport const b = 1;\n',
  });
  assert.equal(result.status, 0, result.stderr);
  assert.match(result.stdout, /no import cycles/);
});
