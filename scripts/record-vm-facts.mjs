#!/usr/bin/env node
// Records the raw output of nfdebug's facts script on a Debian VM (bookworm: kernel 6.1, trixie:
// 6.12) in the states a debugged host goes through, as test/fixtures/facts/debian-<major.minor>-<state>.txt,
// for the knob planners' unit tests (test/unit/kinds/, test/unit/facts/).
// The script is exactly what `nfdebug plan/apply` sends for the recording profile below
// (readFactsScript in src/engine/readFacts.ts), piped to `sh -s` as root over SSH.
//
//   npm run build && node scripts/record-vm-facts.mjs [--release bookworm|trixie] [--dir RUNDIR] [--out test/fixtures/facts]
//
// Without --dir it boots its own VM and stops it; with --dir it uses a VM started by
// `node scripts/vm.mjs start --dir RUNDIR`, which must be freshly booted (nf_conntrack not loaded).
import { writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { RECORDING_PROFILE } from "./recording-profile.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const load = (path) => import(pathToFileURL(join(root, "dist", path)).href);
const vmlib = await load("test/fleet/vm/index.js");
const { readFactsScript } = await load("src/engine/readFacts.js");
const { values } = parseArgs({
  options: {
    dir: { type: "string" },
    release: { type: "string", default: "bookworm" },
    out: { type: "string", default: join(root, "test", "fixtures", "facts") },
  },
});

// Each state builds on the previous one, in this order.
const STATES = [
  ["boot", "true"],
  ["nf_conntrack", "modprobe nf_conntrack"],
  [
    "ct-in-use",
    "nft -f - <<'EOF'\ntable inet nfdtest {\n  chain out { type filter hook output priority 0; ct state invalid counter; }\n  chain in { type filter hook input priority 0; ct state invalid counter; }\n}\nEOF",
  ],
  ["nf_log_ipv4", "modprobe nf_log_ipv4"],
];

const release = vmlib.releaseFromEnv({ NFDEBUG_VM_RELEASE: values.release });
const vm = values.dir
  ? vmlib.attachVm(values.dir)
  : await vmlib.bootVm({ image: await vmlib.ensureImage({ release }) });
try {
  const kernel = (await vm.run("uname -r")).trim().split(".").slice(0, 2).join(".");
  if ((await vm.ssh("grep -q '^nf_conntrack ' /proc/modules")).code === 0)
    throw new Error("nf_conntrack is already loaded: record on a fresh boot");
  const script = readFactsScript(RECORDING_PROFILE);
  for (const [name, setup] of STATES) {
    await vm.run(setup);
    const out = await vm.run("sh -s", { input: script });
    const file = join(values.out, `debian-${kernel}-${name}.txt`);
    writeFileSync(file, out);
    console.log(`wrote ${relative(process.cwd(), file)} (${out.split("\n").length} lines)`);
  }
} finally {
  if (!values.dir) await vm.stop();
}
