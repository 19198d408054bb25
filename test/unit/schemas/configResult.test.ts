// schemas/config-result.schema.json lists every setting `nfdebug config --json` prints, each with
// the value shape of its kind; a new setting fails here until the schema has it. The real CLI's
// output is validated against it in test/integration/config/config.test.ts.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { SETTINGS, type SettingKind } from "../../../src/config/settings.js";

const schema = JSON.parse(
  readFileSync(new URL("../../../../schemas/config-result.schema.json", import.meta.url), "utf8"),
) as {
  properties: { settings: { required: string[]; properties: Record<string, { $ref: string }> } };
};

const DEFINITION: Record<SettingKind, string> = {
  path: "text",
  paths: "list",
  text: "text",
  count: "text",
  duration: "text",
  size: "text",
  choice: "choice",
  switch: "switch",
  shard: "text",
  "host-dir": "text",
};

test("config-result schema: every setting but --json, with its kind's value shape", () => {
  const printed = SETTINGS.filter((s) => s.option !== "json");
  const { required, properties } = schema.properties.settings;
  assert.deepEqual(
    required,
    printed.map((s) => s.option),
  );
  assert.deepEqual(
    Object.fromEntries(Object.entries(properties).map(([option, p]) => [option, p.$ref])),
    Object.fromEntries(printed.map((s) => [s.option, `#/$defs/${DEFINITION[s.kind]}`])),
  );
});
