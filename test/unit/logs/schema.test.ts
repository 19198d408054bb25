// Every record the parsers produce from the corpora validates against schemas/record.schema.json.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Ajv2020 } from "ajv/dist/2020.js";
import { parsePrintkSite } from "../../../src/kinds/printk/facts.js";
import { parseLogLine } from "../../../src/logs/parse.js";
import { createKernelMessageClassifier, parsePrintkLine } from "../../../src/logs/printk.js";
import { corpus, readFixture } from "./corpus.js";

function schemaPath(): string {
  for (const up of ["../../../../schemas/", "../../../schemas/"]) {
    const path = fileURLToPath(new URL(`${up}record.schema.json`, import.meta.url));
    try {
      readFileSync(path);
      return path;
    } catch {
      // next layout
    }
  }
  throw new Error("schemas/record.schema.json not found");
}

const schema = JSON.parse(readFileSync(schemaPath(), "utf8")) as object;
const validate = new Ajv2020({ strict: true, allowUnionTypes: true, allErrors: true }).compile(schema);

function check(record: unknown, what: string): void {
  const ok = validate(JSON.parse(JSON.stringify(record)));
  assert.ok(ok, `${what}: ${JSON.stringify(validate.errors)}`);
}

test("INVALID records of every corpus line validate", () => {
  const lines = [
    ...corpus("kernel-6.18.txt"),
    ...corpus("kernel-6.12.txt"),
    ...corpus("kernel-spellings.txt"),
  ];
  for (const l of lines)
    check(parseLogLine(l.message, { host: "h1", time: "2026-11-25T12:00:00.000Z", log_pos: "7" }), l.message);
  check(parseLogLine("", { host: "h1", time: null }), "empty line");
});

test("printk records validate", () => {
  const sites = readFixture("dynamic-debug-control-6.1.txt")
    .split("\n")
    .filter((l) => l && !l.startsWith("#"))
    .flatMap((l) => parsePrintkSite(l) ?? []);
  const classify = createKernelMessageClassifier(sites);
  for (const l of corpus("printk-6.1.txt")) {
    const c = classify(l.message);
    check(
      parsePrintkLine(l.message, { host: "vm", time: null }, c && c.kind === "printk" ? c : null),
      l.message,
    );
  }
});

test("the schema rejects what a record must not be", () => {
  const good = JSON.parse(
    JSON.stringify(parseLogLine(corpus("kernel-6.18.txt")[0].message, { host: "h", time: null })),
  ) as Record<string, unknown>;
  assert.ok(validate(good));
  for (const [field, value] of [
    ["kind", "other"],
    ["sport", -1],
    ["sport", "80"],
    ["flags", ["BOGUS"]],
    ["reason_id", "Not An Id"],
    ["mark", "42"],
    ["host", ""],
    ["time", "yesterday"],
  ] as const) {
    assert.equal(validate({ ...good, [field]: value }), false, `${field}=${JSON.stringify(value)}`);
  }
  const withoutRaw = { ...good };
  delete withoutRaw.raw;
  assert.equal(validate(withoutRaw), false, "raw is required");
  assert.equal(validate({ ...good, extra: 1 }), false, "no unknown fields");
});
