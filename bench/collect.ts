// npm run bench:collect: `nfdebug collect` of many kernel lines on every host of a namespace
// fleet, beside two floors started in parallel over OpenSSH in the same run:
//   cat      `ssh host cat FILE`: the bytes the host's reader sends, already made (the least any
//            SSH tool can do to move them);
//   journal  `ssh host journalctl -k -o export …`: the host reading its own journal, which every
//            tool reading journald pays before a byte moves;
//   reader   `ssh host sh READER`: nfdebug's own host-side reader (journalctl and its awk), its
//            output thrown away: what nfdebug's host side costs before the controller reads a byte.
// Each host's journal (systemd's own writer, see test/fleet/netns/hostJournal.ts) gets LINES
// INVALID lines after the window opened; a line is 274 bytes of kernel text, ports and IDs vary.
// Hosts and controller share this machine's cores, so the host side's CPU counts against all three.
// Run: npm run bench:collect [-- --hosts 200 --lines 50000 --cpu-prof DIR]
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import pLimit from "p-limit";
import { startFleet } from "../test/fleet/netns/fleet.js";
import {
  appendJournalEntries,
  appendKernelMessages,
  kernelEntries,
} from "../test/fleet/netns/hostJournal.js";
import type { Fleet } from "../test/fleet/netns/types.js";
import { cleanupNow, trackPath } from "./cleanup.js";
import { describeMachine, machineLine } from "./machine.js";
import { spawnAll } from "./measure/spawnAll.js";
import { ssh2Algorithms } from "./negotiated.js";
import { OpensshFloor } from "./tools/floor.js";
import { NfdebugCli } from "./tools/nfdebug.js";
import { journaldReadScript } from "../src/logs/sources/journald.js";

const log = (line: string) => process.stderr.write(`${line}\n`);

const { values } = parseArgs({
  options: {
    hosts: { type: "string", default: "200" },
    lines: { type: "string", default: "50000" },
    "cpu-prof": { type: "string" },
  },
});
const HOSTS = Number(values.hosts);
const LINES = Number(values.lines);
if (!Number.isInteger(HOSTS) || HOSTS < 1 || !Number.isInteger(LINES) || LINES < 1) {
  throw new Error(`--hosts and --lines must be positive integers (got ${values.hosts}, ${values.lines})`);
}

const message = (i: number) =>
  `nf_ct_proto_6: invalid tcp flag combination IN= OUT=lo SRC=127.0.0.1 DST=127.0.0.1 LEN=40 TOS=0x00 PREC=0x00 TTL=64 ID=${i % 65_536} DF PROTO=TCP SPT=${1024 + (i % 60_000)} DPT=${8080 + Math.floor(i / 60_000)} SEQ=1 ACK=0 WINDOW=1024 RES=0x00 RST SYN URGP=0 UID=0 GID=0`;

// What src/logs/sources/journald.sh asks journalctl for (the fields it reads).
const JOURNAL_READ =
  "journalctl -k -o export --all --no-pager --output-fields=MESSAGE,PRIORITY,SYSLOG_FACILITY";

interface Figure {
  name: string;
  wallS: number;
  cpuS: number;
  peakMiB: number;
}

async function fillJournals(fleet: Fleet, nfdebug: NfdebugCli): Promise<void> {
  const limit = pLimit(2);
  // A first entry before the window opens, so that each host's source is journald and the
  // window starts after it.
  await Promise.all(
    fleet.hosts.map((h) => limit(() => appendKernelMessages(h, 1, () => "nfdebug bench: journal starts"))),
  );
  const apply = await nfdebug.timed("apply", [
    "apply",
    nfdebug.profileFile,
    "--for",
    "30m",
    ...nfdebug.fleetArgs(),
  ]);
  if (apply.code !== 0) throw new Error(`nfdebug apply exited with ${apply.code}: ${apply.stderr}`);
  const chunks = [...kernelEntries(LINES, message)];
  const started = Date.now();
  await Promise.all(fleet.hosts.map((h) => limit(() => appendJournalEntries(h, chunks))));
  log(`journals: ${HOSTS} × ${LINES} entries written in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

/**
 * nfdebug's host-side reader as a script file every host can run, and its output on one host as a
 * file every host can cat: the floors' commands and bytes.
 */
function floorFiles(
  floor: OpensshFloor,
  fleet: Fleet,
  workDir: string,
): { reader: string; output: string; bytes: number } {
  const reader = join(workDir, "reader.sh");
  writeFileSync(reader, journaldReadScript(null));
  const [cmd, ...args] = floor.sshArgv(fleet.hosts[0], `sh ${reader}`);
  const r = spawnSync(cmd, args, { maxBuffer: 2 ** 31, encoding: "latin1" });
  if (r.status !== 0) throw new Error(`the reader on ${fleet.hosts[0].name}: ${r.stderr}`);
  const output = join(workDir, "reader-output.txt");
  writeFileSync(output, r.stdout, "latin1");
  return { reader, output, bytes: Buffer.byteLength(r.stdout, "latin1") };
}

async function floorRun(name: string, floor: OpensshFloor, fleet: Fleet, command: string, workDir: string) {
  const env = { PATH: process.env.PATH ?? "/usr/bin:/bin" };
  const { wallMs, runs } = await spawnAll(
    fleet.hosts.map((h) => floor.sshArgv(h, command)),
    { env, workDir, discardStdout: true },
  );
  const failed = runs.findIndex((r) => r.code !== 0);
  if (failed >= 0) throw new Error(`${name}: ssh ${fleet.hosts[failed].name}: ${runs[failed].stderr}`);
  return {
    name,
    wallS: wallMs / 1000,
    cpuS: runs.reduce((s, r) => s + r.cpuS, 0),
    peakMiB: runs.reduce((s, r) => s + r.maxRssKb, 0) / 1024,
  };
}

async function collectRun(nfdebug: NfdebugCli): Promise<Figure> {
  // Text output: the summary only (--json would print every record).
  const r = await nfdebug.timed("collect", ["collect", ...nfdebug.fleetArgs(false)]);
  if (r.code !== 0) throw new Error(`nfdebug collect exited with ${r.code}: ${r.stderr}\n${r.stdout}`);
  const total = HOSTS * LINES;
  // The summary's reason row counts every record of every host.
  const counted = new RegExp(`tcp\\.invalid_flags\\D+${total}\\b`).test(r.stdout.replace(/,/g, ""));
  if (!counted) throw new Error(`nfdebug collect did not report ${total} records:\n${r.stdout}`);
  return { name: "nfdebug collect", wallS: r.wallMs / 1000, cpuS: r.cpuS, peakMiB: r.maxRssKb / 1024 };
}

async function main(): Promise<void> {
  log(machineLine(describeMachine()));
  const workDir = trackPath(mkdtempSync(join(tmpdir(), "nfd-bench-collect-")));
  const fleet = await startFleet({ count: HOSTS, sharedHostKey: true });
  try {
    const algorithms = await ssh2Algorithms(fleet.hosts[0], fleet.identityFile);
    const floor = new OpensshFloor(algorithms, workDir);
    await floor.prepare(fleet);
    const profDir = values["cpu-prof"];
    const nfdebug = new NfdebugCli(workDir, profDir ? ["--cpu-prof", `--cpu-prof-dir=${profDir}`] : []);
    await nfdebug.prepare(fleet, HOSTS);
    await fillJournals(fleet, nfdebug);
    const reader = floorFiles(floor, fleet, workDir);
    log(
      `each host's reader output: ${(reader.bytes / 2 ** 20).toFixed(1)} MiB; all hosts ${((reader.bytes * HOSTS) / 2 ** 30).toFixed(2)} GiB`,
    );
    const figures: Figure[] = [];
    figures.push(await floorRun("floor: ssh cat", floor, fleet, `cat ${reader.output}`, workDir));
    figures.push(await floorRun("floor: ssh journalctl", floor, fleet, JOURNAL_READ, workDir));
    figures.push(await floorRun("floor: ssh reader", floor, fleet, `sh ${reader.reader}`, workDir));
    figures.push(await collectRun(nfdebug));
    const [cat, journal, , collect] = figures;
    console.log(
      `collect: ${HOSTS} hosts × ${LINES} INVALID lines (${HOSTS * LINES} records), all hosts at once`,
    );
    console.log("| | wall s | CPU s | peak MiB (sum) | wall ÷ cat floor | wall ÷ journalctl floor |");
    console.log("|---|---:|---:|---:|---:|---:|");
    for (const f of figures) {
      console.log(
        `| ${f.name} | ${f.wallS.toFixed(1)} | ${f.cpuS.toFixed(1)} | ${f.peakMiB.toFixed(0)} | ${(f.wallS / cat.wallS).toFixed(2)}× | ${(f.wallS / journal.wallS).toFixed(2)}× |`,
      );
    }
    console.log(
      `nfdebug collect: ${Math.round((HOSTS * LINES) / collect.wallS).toLocaleString("en")} lines/s wall, ` +
        `${Math.round((HOSTS * LINES) / collect.cpuS).toLocaleString("en")} lines per controller CPU-second`,
    );
    const revert = await nfdebug.timed("revert", ["revert", ...nfdebug.fleetArgs()]);
    if (revert.code !== 0) throw new Error(`nfdebug revert exited with ${revert.code}: ${revert.stderr}`);
  } finally {
    await fleet.stop();
    cleanupNow();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.stack : error);
  process.exitCode = 1;
});
