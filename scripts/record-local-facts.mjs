#!/usr/bin/env node
// Records the raw output of nfdebug's facts script on this machine's kernel, as root: in the initial
// network namespace and in a new one (`unshare --net`, what a namespace test host sees), for the unit
// tests (test/fixtures/facts/kernel-MAJOR.MINOR-{initial-netns,netns}.txt). The script is what
// `nfdebug plan` sends for the recording profile of record-vm-facts.mjs.
//
//   npm run build && node scripts/record-local-facts.mjs [--out test/fixtures/facts]
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { release } from "node:os";
import { dirname, join, relative } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { RECORDING_PROFILE } from "./recording-profile.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const { readFactsScript } = await import(pathToFileURL(join(root, "dist", "src/engine/readFacts.js")).href);
const { values } = parseArgs({
  options: { out: { type: "string", default: join(root, "test", "fixtures", "facts") } },
});
if (process.getuid?.() !== 0) throw new Error("record as root: the facts script reads what root reads");

const kernel = release().split(".").slice(0, 2).join(".");
const script = readFactsScript(RECORDING_PROFILE);
for (const [name, command] of [
  ["initial-netns", ["sh", "-s"]],
  ["netns", ["unshare", "--net", "sh", "-s"]],
]) {
  const out = execFileSync(command[0], command.slice(1), { input: script, encoding: "utf8" });
  const file = join(values.out, `kernel-${kernel}-${name}.txt`);
  writeFileSync(file, out);
  console.log(`wrote ${relative(process.cwd(), file)} (${out.split("\n").length} lines)`);
}
