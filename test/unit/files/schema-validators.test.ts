// The schema validators generated at build time (scripts/build-validators.mjs) against ajv
// compiling the same schemas at run time: same schemas, same errors on every fixture.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { Ajv2020 } from "ajv/dist/2020.js";
import type { ValidateFunction } from "ajv";
import { compileSchemas, readSchemas } from "../../../src/files/schema-compiler.js";
import { generatedValidators } from "../../../src/files/schema-registry.js";
import { parseYaml } from "../../../src/files/yaml-source.js";
import { useRepoRoot } from "./repo-root.js";

useRepoRoot();

const generated = generatedValidators();

test("the build generated the validators from the current schemas", () => {
  assert.ok(generated, "dist/src/files/schema-validators.generated.cjs is missing: run npm run build");
  assert.equal(generated.digest, readSchemas().digest, "schemas/ changed since the build: run npm run build");
});

test("generated and run-time compiled validators report the same errors on every fixture", () => {
  const { ajv, ids } = compileSchemas(Ajv2020, readSchemas());
  const fixtures = ["test/fixtures/good", "test/fixtures/bad"].flatMap((dir) =>
    readdirSync(dir)
      .filter((name) => /\.(ya?ml|json)$/.test(name))
      .map((name) => `${dir}/${name}`),
  );
  assert.ok(fixtures.length > 50, `only ${fixtures.length} fixtures`);
  let failures = 0;
  for (const file of fixtures) {
    const { data, problems } = parseYaml(readFileSync(file, "utf8"), file, { vault: "mark" });
    if (problems.length > 0) continue;
    for (const [key, id] of ids) {
      const runTime = ajv.getSchema(id) as ValidateFunction;
      const built = generated!.validators[key];
      const ok = built(data);
      assert.equal(ok, runTime(data), `${file} with ${key}`);
      assert.deepEqual(built.errors, runTime.errors, `${file} with ${key}`);
      if (!ok) failures += 1;
    }
  }
  assert.ok(failures > 30, `only ${failures} failing validations: the comparison tested little`);
});
