// Property: a profile string that could reach a remote shell is either rejected by validation or
// made only of characters that are inert in sh and in a dynamic-debug query (fixed seed).
import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { stringify } from "yaml";
import { parseYaml } from "../../../src/files/yaml-source.js";
import { profileProblems } from "../../../src/profile/load.js";

const RUNS = { seed: 20240601, numRuns: 300 };
const HOSTILE = fc.oneof(
  fc.string({ unit: "binary", maxLength: 40 }),
  fc.constantFrom(
    "x.c; reboot",
    "$(reboot)",
    "`reboot`",
    "a\nb",
    "-r",
    "a'b",
    'a"b',
    "a\\b",
    "x #c",
    "a\0b",
    "+p",
  ),
  fc
    .tuple(
      fc.string({ maxLength: 10 }),
      fc.constantFrom(";", "$(", "`", "\n", "'", "|", "&", ">", "#"),
      fc.string({ maxLength: 10 }),
    )
    .map((parts) => parts.join("")),
);

/** What an accepted value may consist of: no quote, $, `, ;, |, &, #, backslash or control character. */
const INERT: Record<string, RegExp> = {
  name: /^[a-z0-9][a-z0-9._-]*$/,
  modules: /^[A-Za-z0-9_][A-Za-z0-9_-]*$/,
  file: /^[A-Za-z0-9_*?][A-Za-z0-9_./*?+-]*$/,
  func: /^[A-Za-z0-9_*?]+$/,
  module: /^[A-Za-z0-9_*?-]+$/,
  format: /^[A-Za-z0-9 _.,:%=()<>/+-]+$/,
  flags: /^[pflmtsd]+$/,
};

function accepted(field: string, value: string): boolean {
  const doc: Record<string, unknown> = { apiVersion: "nfdebug/v1", kind: "DebugProfile", name: "p" };
  if (field === "name") doc.name = value;
  else if (field === "modules") doc.modules = [value];
  else doc.printk = [{ file: "x.c", [field]: value }];
  return profileProblems(parseYaml(stringify(doc), "p.yaml")).length === 0;
}

for (const [field, inert] of Object.entries(INERT)) {
  test(`${field}: hostile strings are rejected; whatever is accepted is inert`, () => {
    fc.assert(
      fc.property(HOSTILE, (value) => !accepted(field, value) || inert.test(value)),
      RUNS,
    );
    assert.equal(accepted(field, field === "flags" ? "p" : "nf_conntrack"), true);
    assert.equal(accepted(field, "x; reboot"), false);
    assert.equal(accepted(field, "a\nb"), false);
  });
}
