#!/usr/bin/env node
// Start, use and stop a namespace test fleet by hand (root only). Build first: npm run build.
//
//   node scripts/fleet.mjs start --count 5 --dir .fleet [--sudo] [--sudo-password] [--all-netns-logging]
//   node scripts/fleet.mjs status  --dir .fleet
//   node scripts/fleet.mjs invalid HOST KIND [--count N] --dir .fleet
//   node scripts/fleet.mjs exec HOST --dir .fleet -- sysctl -n net.netfilter.nf_conntrack_log_invalid
//   node scripts/fleet.mjs kill-sshd|cut|restore HOST [--drop] --dir .fleet
//   node scripts/fleet.mjs stop --dir .fleet
//   node scripts/fleet.mjs sweep                 remove namespaces and processes of dead runs
//   node scripts/fleet.mjs measure --count 200 [--kex curve25519-sha256]
//                                                time start, 3 x 200 parallel `ssh true`, stop
import { execFile } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { cpus } from "node:os";
import { dirname, join, relative } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { performance } from "node:perf_hooks";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const compiled = join(root, "dist", "test", "fleet", "netns.js");
if (!existsSync(compiled)) {
  console.error(`fleet: ${relative(process.cwd(), compiled)} is missing; run \`npm run build\` first`);
  process.exit(1);
}
const netns = await import(pathToFileURL(compiled).href);

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    count: { type: "string" },
    dir: { type: "string", default: ".fleet" },
    sudo: { type: "boolean", default: false },
    "sudo-password": { type: "boolean", default: false },
    "all-netns-logging": { type: "boolean", default: false },
    "shared-host-key": { type: "boolean", default: false },
    drop: { type: "boolean", default: false },
    kex: { type: "string" },
    help: { type: "boolean", short: "h", default: false },
  },
});

const [command, ...rest] = positionals;
const rel = (path) => relative(process.cwd(), path) || ".";

function usage() {
  const text =
    "usage: node scripts/fleet.mjs start|status|invalid|exec|kill-sshd|cut|restore|stop|sweep|measure\n" +
    "  start --count N [--dir .fleet] [--sudo] [--sudo-password] [--all-netns-logging] [--shared-host-key]\n" +
    "  invalid HOST KIND [--count N]   kinds: " +
    netns.INVALID_KINDS.join(", ") +
    "\n" +
    "  exec HOST -- ARGV...   kill-sshd HOST   cut HOST [--drop]   restore HOST\n" +
    "  stop [--dir .fleet]    sweep    measure --count N [--kex ALGORITHM]";
  console.log(text);
}

function count(fallback) {
  const n = Number(values.count ?? fallback);
  if (!Number.isInteger(n) || n < 0) throw new Error(`--count must be a non-negative integer`);
  return n;
}

async function start() {
  const t0 = performance.now();
  const fleet = await netns.startFleet({
    count: count(5),
    dir: values.dir,
    persistent: true,
    sudoHost: values.sudo,
    sudoPasswordHost: values["sudo-password"],
    allNetnsLogging: values["all-netns-logging"],
    sharedHostKey: values["shared-host-key"],
  });
  const seconds = ((performance.now() - t0) / 1000).toFixed(2);
  console.log(`started ${fleet.hosts.length} hosts in ${seconds}s (run ${fleet.runId}) in ${rel(fleet.dir)}`);
  for (const h of fleet.hosts)
    console.log(`  ${h.name.padEnd(8)} ${h.user}@127.0.0.1:${h.port}  netns ${h.netns}`);
  console.log(`inventory:    ${rel(fleet.inventoryFile)}`);
  console.log(`known_hosts:  ${rel(fleet.knownHostsFile)}  (hashed: ${rel(fleet.hashedKnownHostsFile)})`);
  console.log(`identity:     ${rel(fleet.identityFile)}`);
  const h = fleet.hosts[0];
  if (h) {
    console.log(
      `\nssh:      ssh -o UserKnownHostsFile=${rel(fleet.knownHostsFile)} -i ${rel(fleet.identityFile)} -p ${h.port} ${h.user}@127.0.0.1`,
    );
  }
  const opts = `-i ${rel(fleet.inventoryFile)} --known-hosts ${rel(fleet.knownHostsFile)} --identity ${rel(fleet.identityFile)}`;
  console.log(`nfdebug:  nfdebug facts ${opts}`);
  console.log(`stop:     node scripts/fleet.mjs stop --dir ${rel(fleet.dir)}`);
}

async function status() {
  const fleet = netns.attachFleet(values.dir);
  console.log(`run ${fleet.runId} in ${rel(fleet.dir)}`);
  for (const h of fleet.hosts) {
    const result = await fleet.nsRun(h, ["sh", "-c", "hostname; ls /run/nfdebug 2>/dev/null | wc -l"]);
    const [name, journal] = result.stdout.trim().split("\n");
    console.log(
      `  ${h.name.padEnd(8)} port ${h.port}  hostname ${name}  /run/nfdebug entries ${journal}${h.cut ? `  CUT (${h.cut})` : ""}`,
    );
  }
  const kinds = {};
  for (const item of fleet.leftovers()) kinds[item.split(" ")[0]] = (kinds[item.split(" ")[0]] ?? 0) + 1;
  console.log(
    `in use: ${kinds.netns ?? 0} namespaces, ${kinds.process ?? 0} processes, ${kinds.mount ?? 0} mount entries`,
  );
}

async function invalid() {
  const [host, kind] = rest;
  if (!host || !kind) throw new Error("usage: invalid HOST KIND [--count N]");
  const fleet = netns.attachFleet(values.dir);
  const before = await fleet.conntrackStats(host);
  const result = await fleet.makeInvalid(host, kind, { count: count(1) });
  const after = await fleet.conntrackStats(host);
  const flows = result.flows.map((f) => `${f.src}:${f.sport} -> ${f.dst}:${f.dport}`).join(", ") || "-";
  console.log(
    `${host}: ${result.packets} x ${kind}; expect nf_ct_proto_${result.l4proto}: ${result.reason.source}`,
  );
  console.log(`  ${result.linesPerPacket} kernel line(s) per packet when logging is on; flows ${flows}`);
  console.log(`  ${result.counter}: ${before[result.counter]} -> ${after[result.counter]}`);
}

async function exec() {
  const [host, ...argv] = rest;
  if (!host || argv.length === 0) throw new Error("usage: exec HOST -- ARGV...");
  const result = await netns.attachFleet(values.dir).nsRun(host, argv);
  process.stdout.write(result.stdout);
  process.stderr.write(result.stderr);
  process.exitCode = result.code ?? 1;
}

async function fault() {
  const [host] = rest;
  if (!host) throw new Error(`usage: ${command} HOST`);
  const fleet = netns.attachFleet(values.dir);
  if (command === "kill-sshd") console.log(`${host}: killed ${await fleet.killSshd(host)} sshd process(es)`);
  if (command === "cut") await fleet.cutOff(host, { mode: values.drop ? "drop" : "refuse" });
  if (command === "restore") await fleet.restore(host);
}

async function stop() {
  if (!existsSync(join(values.dir, "fleet-state.json"))) {
    console.log(`no fleet running in ${values.dir}`);
    return;
  }
  const fleet = netns.attachFleet(values.dir);
  const n = fleet.hosts.length;
  const t0 = performance.now();
  await fleet.stop();
  const left = fleet.leftovers();
  console.log(
    `stopped ${n} hosts in ${((performance.now() - t0) / 1000).toFixed(2)}s; ${left.length} left over`,
  );
  for (const item of left) console.log(`  ${item}`);
  if (left.length > 0) process.exitCode = 1;
}

function sweep() {
  const report = netns.sweepStaleFleets();
  console.log(
    `removed ${report.runs.length} dead runs, ${report.namespaces.length} namespaces, ${report.processes.length} processes`,
  );
}

function sshTrue(fleet, h) {
  return new Promise((resolve) => {
    const args = [
      ...(values.kex ? ["-o", `KexAlgorithms=${values.kex}`] : []),
      "-F",
      "/dev/null",
      "-o",
      "StrictHostKeyChecking=yes",
      "-o",
      `UserKnownHostsFile=${fleet.knownHostsFile}`,
      "-o",
      "BatchMode=yes",
      "-i",
      fleet.identityFile,
      "-p",
      String(h.port),
      `${h.user}@127.0.0.1`,
      "true",
    ];
    execFile("ssh", args, (error, _stdout, stderr) => {
      if (error) console.error(`  ${h.name}: ${stderr.trim() || error.message}`);
      resolve(error ? 1 : 0);
    });
  });
}

/** CPU seconds a process has collected from its waited-for children (utime+stime of /proc/PID/stat). */
function childCpuSeconds(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[13]) + Number(fields[14])) / 100; // cutime, cstime in USER_HZ ticks
  } catch {
    return 0;
  }
}

async function measure() {
  const n = count(200);
  const seconds = (t0) => ((performance.now() - t0) / 1000).toFixed(2);
  const load = () => readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ");
  console.log(`${cpus().length} cores, load average ${load()}`);
  let t0 = performance.now();
  const fleet = await netns.startFleet({ count: n, sharedHostKey: values["shared-host-key"] });
  console.log(`start ${n} hosts: ${seconds(t0)}s`);
  // Server CPU: every session's processes are waited for by its host's socat listener.
  const state = JSON.parse(readFileSync(join(fleet.dir, "fleet-state.json"), "utf8"));
  const serverCpu = () => state.hosts.reduce((sum, h) => sum + childCpuSeconds(h.listenerPid), 0);
  for (let round = 1; round <= 3; round++) {
    const [client0, server0] = [childCpuSeconds(process.pid), serverCpu()];
    t0 = performance.now();
    const failures = (await Promise.all(fleet.hosts.map((h) => sshTrue(fleet, h)))).reduce(
      (a, b) => a + b,
      0,
    );
    const wall = seconds(t0);
    const client = (childCpuSeconds(process.pid) - client0).toFixed(2);
    const server = (serverCpu() - server0).toFixed(2);
    console.log(
      `${n} parallel \`ssh ... true\` (round ${round}): ${wall}s wall, CPU ${client}s in ssh clients + ` +
        `${server}s in sshd hosts, ${failures} failed (load ${load()})`,
    );
  }
  t0 = performance.now();
  await fleet.stop();
  console.log(`stop ${n} hosts: ${seconds(t0)}s; left over: ${fleet.leftovers().length}`);
}

const commands = {
  start,
  status,
  invalid,
  exec,
  "kill-sshd": fault,
  cut: fault,
  restore: fault,
  stop,
  sweep,
  measure,
};
if (values.help || !commands[command]) {
  usage();
  process.exit(values.help ? 0 : 1);
}
try {
  await commands[command]();
} catch (error) {
  console.error(`fleet ${command}: ${error instanceof Error ? error.message : error}`);
  process.exit(1);
}
