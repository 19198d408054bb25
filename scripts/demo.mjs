#!/usr/bin/env node
// The newcomer's first run: a local 5-host demo fleet (network namespaces running OpenSSH), the
// TCP-INVALID triage runbook against it with real INVALID packets, and the report's path.
// Everything it starts is stopped at the end. Needs root (namespaces, sysctls).
import { spawnSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import { join, resolve } from "node:path";

if (process.getuid?.() !== 0) {
  console.error(`The demo fleet is made of network namespaces, which need root. Run it as root:

  sudo npm run demo

Without root, point nfdebug at hosts of your own instead (see README, "Your own hosts").`);
  process.exit(1);
}

const { startFleet } = await import("../dist/test/fleet/netns/fleet.js");
const started = Date.now();
const count = Number(process.env.NFDEBUG_DEMO_HOSTS ?? 5);
console.log(`Starting ${count} demo hosts (network namespaces with OpenSSH, on 127.0.0.1) ...`);
const fleet = await startFleet({ count, allNetnsLogging: true });
let status;
try {
  const stamp = new Date()
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d+Z$/, "Z");
  const out = resolve("nfdebug-runs", `demo-${stamp}`);
  mkdirSync("nfdebug-runs", { recursive: true });
  const args = [
    "dist/src/cli/main.js",
    "run",
    "playbooks/runbooks/tcp-invalid-triage.yaml",
    "-i",
    fleet.inventoryFile,
    "--known-hosts",
    fleet.knownHostsFile,
    "--identity",
    fleet.identityFile,
    "--out",
    out,
  ];
  console.log(`$ nfdebug ${args.slice(1).join(" ")}`);
  status = spawnSync(process.execPath, args, { stdio: "inherit" }).status ?? 1;
  console.log(`\nReport:  ${join(out, "report.html")}\nSummary: ${join(out, "summary.md")}`);
} finally {
  await fleet.stop();
  console.log(`Demo fleet stopped. Total ${((Date.now() - started) / 1000).toFixed(1)} s.`);
}
process.exit(status ?? 1);
