// The catalogue against the INVALID log formats extracted from real kernel trees
// (test/fixtures/kernel-formats/<version>.json, written by scripts/extract-invalid-formats.mjs):
// every kernel text has an entry, and every spelling's stated kernels agree with where it appears.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { CATALOGUE, type CatalogueEntry, type ReasonFormat } from "../../../src/logs/catalogue.js";
import { classifyReason } from "../../../src/logs/classify.js";
import { describeKernelRange, inKernelRange, parseKernelVersion } from "../../../src/logs/kernel-range.js";
import { L4PROTO, type Protocol } from "../../../src/protocols.js";
import { fixtureFolder } from "./corpus.js";

interface KernelFormats {
  source: { repository: string; commit: string; version: string; extraversion?: string; files: string[] };
  formats: Array<{ protocol: Protocol; text: string; format: string; file: string }>;
}

const folder = fixtureFolder("kernel-formats");
const kernels: KernelFormats[] = readdirSync(folder)
  .filter((name) => name.endsWith(".json"))
  .map((name) => JSON.parse(readFileSync(join(folder, name), "utf8")) as KernelFormats);

/** Protocol and text as compared: the catalogue matches reasons ignoring case. */
const key = (protocol: string, text: string) => `${protocol} ${text.toLowerCase()}`;

const catalogued = new Map<string, { entry: CatalogueEntry; format: ReasonFormat }>();
for (const entry of CATALOGUE)
  for (const format of entry.formats) catalogued.set(key(entry.protocol, format.text), { entry, format });

test("the fixtures cover the kernels issue 16 names, each read from a recorded repository and commit", () => {
  const series = kernels.map((k) => k.source.version.split(".").slice(0, 2).join("."));
  for (const s of ["4.14", "4.19", "5.4", "5.10", "5.15", "6.1", "6.6", "6.12", "6.19"])
    assert.ok(series.includes(s), `no fixture for ${s}`);
  for (const k of kernels) {
    assert.ok(parseKernelVersion(k.source.version), k.source.version);
    assert.match(k.source.repository, /^[\w.-]+\/[\w.-]+$/);
    assert.match(k.source.commit, /^[0-9a-f]{40}$/);
    assert.ok(k.formats.length > 30, `${k.source.version}: only ${k.formats.length} formats`);
  }
});

test("every INVALID format of every kernel read has a catalogue entry that the parser finds", () => {
  const missing: string[] = [];
  for (const k of kernels) {
    for (const f of k.formats) {
      const found = catalogued.get(key(f.protocol, f.text));
      if (!found) {
        missing.push(`${k.source.version} ${f.protocol}: ${JSON.stringify(f.text)}`);
        continue;
      }
      // A format without conversions is printed as is: the parser must map that text to the entry.
      if (!f.text.includes("%")) assert.equal(classifyReason(L4PROTO[f.protocol], f.text).id, found.entry.id);
    }
  }
  assert.deepEqual(missing, []);
});

test("every spelling's kernel range agrees with the kernels that print it", () => {
  const present = new Map<string, Set<string>>();
  for (const k of kernels) {
    for (const f of k.formats) {
      const at = key(f.protocol, f.text);
      present.set(at, (present.get(at) ?? new Set()).add(k.source.version));
    }
  }
  const wrong: string[] = [];
  for (const [at, { entry, format }] of catalogued) {
    for (const k of kernels) {
      const version = k.source.version;
      const prints = present.get(at)?.has(version) ?? false;
      if (prints === inKernelRange(format.kernels, version)) continue;
      const range = describeKernelRange(format.kernels);
      wrong.push(
        `${entry.id} ${JSON.stringify(format.text)} (${range}): ${prints ? "printed by" : "absent from"} ${version}`,
      );
    }
  }
  assert.deepEqual(wrong, []);
});
