// Issue 7 on 20 namespace hosts, through the real CLI over real SSH: the shipped runbooks run
// against the test fleet (real INVALID packets made by their exec steps), bundles whose records,
// counters, summary and report agree with each other and with the packets sent, --dry-run,
// SIGINT (revert, bundle, exit 130) and SIGKILL (the hosts' timers revert them).
//
// The hosts share one kernel log: records are counted fleet-wide (each line once) and matched to
// the packets by their ports; the conntrack counters are per host. Fleet-wide totals assume no
// other test makes INVALID lines on this machine at the same time.
import { after, afterEach, before, test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { startFleet, type Fleet } from "../../fleet/netns.js";
import { runCli, startCli, type CliResult } from "../../support/cli.js";
import type { LogRecord } from "../../../src/logs/record.js";
import {
  busyProcesses,
  fleetArgs,
  fleetValues,
  waitFor,
  waitForWatchdogsGone,
  windowHeader,
  windowHistory,
  type KnobValues,
  revertOpenWindows,
  stopFleet,
} from "./fleetProbe.js";
import { readJsonLines, readRecordFiles } from "./collectProbe.js";

const REPO = fileURLToPath(new URL("../../../../", import.meta.url));
const RUNBOOKS = join(REPO, "playbooks", "runbooks");
const FIXTURES = join(REPO, "test", "fixtures", "runbooks");
const HOSTS = 20;
/** How late after its expiry a host may revert (the watchdog checks every 2 s; this machine is busy). */
const GRACE_S = 6;
const BUNDLE_FILES = [
  "manifest.json",
  "facts-before.json",
  "changes.json",
  "facts-after.json",
  "records.jsonl",
  "counters.json",
  "summary.md",
  "report.html",
];

let fleet: Fleet;
let dir: string;
let original: Map<string, KnobValues>;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), "nfd-cli-runbook-"));
  fleet = await startFleet({ count: HOSTS, allNetnsLogging: true });
  original = await fleetValues(fleet);
});

// A failed test must not leave windows open for the next one.
afterEach(async () => {
  await revertOpenWindows(fleet);
});

after(() => stopFleet(fleet, dir));

function run(runbook: string, out: string, ...extra: string[]): Promise<CliResult> {
  return runCli(["run", runbook, "--out", out, ...extra, ...fleetArgs(fleet)], { timeoutMs: 300_000 });
}

async function assertUntouched(why: string): Promise<void> {
  assert.deepEqual(await fleetValues(fleet), original, why);
  for (const h of fleet.hosts) assert.equal(windowHeader(h), null, `${h.name}: no open window (${why})`);
}

/** Every host back as before, no window, no watchdog, nothing running, no repro table left. */
async function assertRestored(why: string): Promise<void> {
  await assertUntouched(why);
  for (const h of fleet.hosts) {
    await waitForWatchdogsGone(h, 3000, why);
    assert.deepEqual(busyProcesses(h), [], `${h.name}: nothing left running`);
    const tables = await fleet.nsExec(h, ["nft", "list", "tables"]);
    assert.ok(!tables.includes("nfdebug_repro"), `${h.name}: the exec step removed its nft table`);
  }
}

const sha256 = (file: string) => createHash("sha256").update(readFileSync(file)).digest("hex");
const json = <T>(file: string): T => JSON.parse(readFileSync(file, "utf8")) as T;

interface Manifest {
  nfdebug: string;
  commandLine: string[];
  runbook: { name: string; path: string; sha256: string };
  profile: { name: string; path: string; sha256: string };
  startedAt: string;
  endedAt: string;
  window: { startedAt: string; endedAt: string };
  hosts: {
    name: string;
    ok: boolean;
    reverted: boolean | string;
    error?: { kind: string; message: string };
  }[];
  steps: { name: string; ok: boolean; startedAt: string; endedAt: string; message?: string }[];
  inventoryHosts: { name: string; address: string; port: number; user: string }[];
}

interface BundleCounters {
  hosts: { host: string; counters: Record<string, number> }[];
}

/** The verdict sentence of summary.md and of report.html. */
function verdicts(out: string): { md: string; html: string } {
  const md = /^\*\*Verdict:\*\* (.*)$/m.exec(readFileSync(join(out, "summary.md"), "utf8"))?.[1] ?? "";
  const html =
    /<p class="verdict[^"]*" id="verdict-text">([^<]*)<\/p>/.exec(
      readFileSync(join(out, "report.html"), "utf8"),
    )?.[1] ?? "";
  return { md, html: html.replace(/&amp;/g, "&") };
}

/** Sums of the Records and "invalid Δ" columns of summary.md's per-host table. */
function markdownHostTotals(out: string): { rows: number; records: number; invalid: number } {
  const text = readFileSync(join(out, "summary.md"), "utf8");
  const table = text.slice(text.indexOf("## Per host")).split("\n\n")[1].split("\n");
  const header = table[0].split("|").map((c) => c.trim());
  const rows = table.slice(2).map((l) => l.split("|").map((c) => c.trim()));
  const column = (name: string) =>
    rows.reduce((n, r) => n + Number(r[header.indexOf(name)].replace(/,/g, "")), 0);
  return { rows: rows.length, records: column("Records"), invalid: column("invalid Δ") };
}

/** report.html's counters table footer: total records and total invalid Δ. */
function htmlCounterTotals(out: string): { records: number; invalid: number } {
  const m =
    /<tfoot><tr><td>Total<\/td><td><\/td><td class="num">([\d,]+)<\/td><td class="num">\+?([\d,]+)<\/td>/.exec(
      readFileSync(join(out, "report.html"), "utf8"),
    );
  assert.ok(m, "report.html has the counters' total row");
  return { records: Number(m[1].replace(/,/g, "")), invalid: Number(m[2].replace(/,/g, "")) };
}

/**
 * The bundle of a run whose exec step sent `perHost` packets from `ports` on every host, each
 * printing `linesPerPacket` lines with `reasonId`: records, counters, summary and report agree
 * with each other and with the packets sent.
 */
async function assertBundleAgrees(
  out: string,
  cli: CliResult,
  sent: {
    perHost: number;
    linesPerPacket: number;
    reasonId: string;
    proto: string;
    sports: number[];
    dport: number;
    words: RegExp;
  },
  statsBefore: Map<string, Record<string, number>>,
): Promise<void> {
  for (const f of BUNDLE_FILES) assert.ok(existsSync(join(out, f)), `${f} in the bundle`);
  const { merged, perHost, raw } = readRecordFiles(out);
  const expected = HOSTS * sent.perHost * sent.linesPerPacket;
  assert.equal(
    merged.length,
    expected,
    `records.jsonl: ${HOSTS} hosts × ${sent.perHost} packets × ${sent.linesPerPacket} line(s)`,
  );
  for (const r of merged) {
    assert.deepEqual(
      [r.reason_id, r.proto, r.src, r.dst, r.dport, sent.sports.includes(r.sport!)],
      [sent.reasonId, sent.proto, "127.0.0.1", "127.0.0.1", sent.dport, true],
      r.raw,
    );
  }
  // Record schema 2: every record names the run's window and its profile.
  const manifest = json<{ profile: { name: string } }>(join(out, "manifest.json"));
  const runWindow = (cli.json as unknown as { window?: string }).window;
  assert.match(runWindow ?? "", /^\d{8}T\d{6}-[0-9a-f]{4}$/, "the run's window in --json");
  assert.deepEqual(
    [...new Set(merged.map((r) => `${r.window_id} ${r.profile}`))],
    [`${runWindow} ${manifest.profile.name}`],
    "window_id and profile of every record",
  );
  // Each port: one packet from every host, each seen linesPerPacket times.
  for (const sport of sent.sports) {
    assert.equal(
      merged.filter((r) => r.sport === sport).length,
      HOSTS * sent.linesPerPacket,
      `sport ${sport}`,
    );
  }
  assert.equal([...perHost.values()].flat().length, expected, "records/<host>.jsonl");
  assert.equal([...raw.values()].flat().length, expected, "raw/<host>.log");
  assert.equal((cli.json as unknown as { records: number }).records, expected, "the run's --json result");

  // Counters are per namespace: every host's invalid rose by what its exec step sent.
  const counters = json<BundleCounters>(join(out, "counters.json"));
  assert.equal(counters.hosts.length, HOSTS);
  for (const { host, counters: c } of counters.hosts) {
    const measured = (await fleet.conntrackStats(host)).invalid - statsBefore.get(host)!.invalid;
    assert.equal(c.invalid, sent.perHost * sent.linesPerPacket, `${host}: invalid Δ in counters.json`);
    assert.equal(measured, c.invalid, `${host}: as the host itself counts`);
  }
  const invalidTotal = counters.hosts.reduce((n, h) => n + h.counters.invalid, 0);
  assert.equal(invalidTotal, merged.length, "records == sum of the invalid counter deltas");

  // summary.md and report.html state the same totals.
  const md = readFileSync(join(out, "summary.md"), "utf8");
  assert.match(md, new RegExp(`^\\| Records \\| ${expected} INVALID lines \\|$`, "m"));
  assert.deepEqual(markdownHostTotals(out), { rows: HOSTS, records: expected, invalid: invalidTotal });
  assert.deepEqual(htmlCounterTotals(out), { records: expected, invalid: invalidTotal });
  const { md: mdVerdict, html: htmlVerdict } = verdicts(out);
  assert.equal(htmlVerdict, mdVerdict, "one verdict");
  assert.ok(mdVerdict.startsWith(`${expected} ${sent.proto} packets were INVALID`), mdVerdict);
  assert.match(mdVerdict, sent.words);
  assert.equal(
    readFileSync(join(out, "report.html"), "utf8").match(/<g class="series" data-series="([^"]+)"/g)?.length,
    1,
    "one chart series",
  );
}

async function stats(): Promise<Map<string, Record<string, number>>> {
  return new Map(
    await Promise.all(fleet.hosts.map(async (h) => [h.name, await fleet.conntrackStats(h)] as const)),
  );
}

/** facts-before.json and facts-after.json agree on every host but the clock and the window history. */
function assertFactsAgree(out: string): void {
  const before = json<Record<string, Record<string, unknown>>>(join(out, "facts-before.json"));
  const after = json<Record<string, Record<string, unknown>>>(join(out, "facts-after.json"));
  assert.deepEqual(Object.keys(before).sort(), fleet.hosts.map((h) => h.name).sort());
  assert.deepEqual(
    Object.keys(after).sort(),
    Object.keys(before).sort(),
    "facts after the run of every host",
  );
  // installedScripts: nfdebug's revert.sh/expire.sh stay in /run/nfdebug (tmpfs) for the next window.
  const lasting = (facts: Record<string, unknown>) =>
    Object.fromEntries(
      Object.entries(facts).filter(([key]) => !["now", "history", "installedScripts"].includes(key)),
    );
  for (const [host, facts] of Object.entries(before))
    assert.deepEqual(lasting(after[host]), lasting(facts), `${host}: facts after the run`);
}

test("tcp-invalid-triage on 20 hosts: a bundle whose records, counters, summary and report agree with the packets sent", async () => {
  const runbook = join(RUNBOOKS, "tcp-invalid-triage.yaml");
  const statsBefore = await stats();
  const out = join(dir, "triage");
  const started = Date.now();
  const cli = await run(runbook, out);
  const ended = Date.now();
  assert.equal(cli.code, 0, cli.stderr);

  // 5 SYN+RST segments per host (ports 40000-40004 → 8080); over lo each is judged twice, leaving
  // (OUTPUT: IN= OUT=lo) and arriving (PREROUTING: IN=lo OUT=): 2 lines and invalid +2 each.
  const sports = [40000, 40001, 40002, 40003, 40004];
  await assertBundleAgrees(
    out,
    cli,
    {
      perHost: 5,
      linesPerPacket: 2,
      reasonId: "tcp.invalid_flags",
      proto: "TCP",
      sports,
      dport: 8080,
      words: /“invalid tcp flag combination” from 127\.0\.0\.1/,
    },
    statsBefore,
  );
  const { merged } = readRecordFiles(out);
  for (const r of merged) assert.deepEqual(r.flags, ["RST", "SYN"], r.raw);
  assert.equal(merged.filter((r) => r.out === "lo").length, merged.length / 2, "half at OUTPUT");
  assert.equal(merged.filter((r) => r.in === "lo").length, merged.length / 2, "half at PREROUTING");
  for (const h of fleet.hosts) {
    const log = readFileSync(join(out, "exec", `step2-${h.name}.log`), "utf8");
    assert.match(log, /^sent 5 SYN\+RST segments to 127\.0\.0\.1:8080$/m, h.name);
    assert.match(log, /\[exit 0\]\n$/, h.name);
  }

  const manifest = json<Manifest>(join(out, "manifest.json"));
  assert.equal(manifest.nfdebug, json<{ version: string }>(join(REPO, "package.json")).version);
  assert.deepEqual(
    [manifest.runbook.name, manifest.runbook.path, manifest.runbook.sha256],
    ["tcp-invalid-triage", runbook, sha256(runbook)],
  );
  const profile = join(REPO, "playbooks", "profiles", "tcp-invalid.yaml");
  assert.deepEqual([manifest.profile.name, manifest.profile.sha256], ["tcp-invalid", sha256(profile)]);
  assert.equal(sha256(manifest.profile.path), sha256(profile));
  assert.deepEqual(manifest.commandLine.slice(1, 5), ["run", runbook, "--out", out]);
  assert.deepEqual(
    manifest.inventoryHosts,
    fleet.hosts.map((h) => ({ name: h.name, address: "127.0.0.1", port: h.port, user: "root" })),
  );
  const times = [
    started - 1000,
    Date.parse(manifest.startedAt),
    Date.parse(manifest.window.startedAt),
    Date.parse(manifest.window.endedAt),
    Date.parse(manifest.endedAt),
    ended + 1000,
  ];
  assert.deepEqual(
    [...times].sort((a, b) => a - b),
    times,
    "start ≤ window ≤ end, within the run",
  );
  assert.deepEqual(
    manifest.steps.map((s) => [s.name, s.ok]),
    [
      ["apply", true],
      ["exec: reproduce: 5 SYN+RST segments to 127.0.0.1:8080", true],
      ["until", true],
      ["collect", true],
      ["revert", true],
      ["note", true],
    ],
  );
  assert.equal(manifest.steps[3].message, `${HOSTS * 10} record(s) collected on ${HOSTS} host(s)`);
  for (const h of manifest.hosts) assert.deepEqual([h.ok, h.reverted], [true, true], h.name);

  assertFactsAgree(out);
  // `nfdebug report DIR` re-renders the bundle into the same summary and page.
  const rendered = ["summary.md", "report.html"].map((f) => readFileSync(join(out, f), "utf8"));
  rmSync(join(out, "summary.md"));
  rmSync(join(out, "report.html"));
  const report = await runCli(["report", out], { json: false });
  assert.equal(report.code, 0, report.stderr);
  assert.deepEqual(
    ["summary.md", "report.html"].map((f) => readFileSync(join(out, f), "utf8")),
    rendered,
  );

  await assertRestored("after the run");
  const window = windowHistory(fleet.hosts[0]).findLast(([e]) => e === "opened")![1];
  for (const h of fleet.hosts) {
    const events = windowHistory(h)
      .filter(([, w]) => w === window)
      .map(([e, , , how]) => (e === "closed" ? `closed ${how}` : e));
    assert.deepEqual(events, ["opened", "closed reverted"], `${h.name}: the window's history`);
  }
});

test("udp-checksum on 20 hosts: bad-checksum records agree with the counters and the packets sent", async () => {
  const statsBefore = await stats();
  const out = join(dir, "udp");
  const cli = await run(join(RUNBOOKS, "udp-checksum.yaml"), out);
  assert.equal(cli.code, 0, cli.stderr);
  // 5 datagrams per host (ports 41000-41004 → 9), received on lo only: 1 line and invalid +1 each.
  const sports = [41000, 41001, 41002, 41003, 41004];
  await assertBundleAgrees(
    out,
    cli,
    {
      perHost: 5,
      linesPerPacket: 1,
      reasonId: "udp.bad_checksum",
      proto: "UDP",
      sports,
      dport: 9,
      words: /“bad checksum” from 127\.0\.0\.1/,
    },
    statsBefore,
  );
  for (const r of readRecordFiles(out).merged)
    assert.deepEqual([r.in, r.out, r.l4proto], ["lo", "", 17], r.raw);
  assertFactsAgree(out);
  await assertRestored("after the run");
});

test("--dry-run shows the plan and the steps and changes nothing", async () => {
  const historyBefore = fleet.hosts.map((h) => windowHistory(h).length);
  const out = join(dir, "dry");
  const text = await runCli(
    ["run", join(RUNBOOKS, "tcp-invalid-triage.yaml"), "--out", out, "--dry-run", ...fleetArgs(fleet)],
    { json: false },
  );
  assert.equal(text.code, 0, text.stderr);
  const lines = text.stdout.split("\n");
  assert.ok(
    lines.includes(`runbook tcp-invalid-triage: 6 step(s) on ${HOSTS} host(s) (dry run: nothing is changed)`),
    text.stdout,
  );
  for (const step of [
    "1. apply",
    "2. exec: reproduce: 5 SYN+RST segments to 127.0.0.1:8080",
    "3. until 10 record(s) (timeout 20s)",
    "4. collect",
    "5. revert",
    "6. report",
  ])
    assert.ok(lines.includes(`  ${step}`), `${step} in:\n${text.stdout}`);
  assert.ok(lines.includes("h001: 1 change(s)"), text.stdout);

  const withJson = await runCli([
    "run",
    join(RUNBOOKS, "tcp-invalid-triage.yaml"),
    "--dry-run",
    ...fleetArgs(fleet),
  ]);
  assert.equal(withJson.code, 0, withJson.stderr);
  const result = withJson.json as unknown as {
    dry_run: boolean;
    steps: string[];
    hosts: { host: string; changes: { key: string; from: string; to: string }[] }[];
  };
  assert.equal(result.dry_run, true);
  assert.equal(result.steps.length, 6);
  for (const h of result.hosts)
    assert.deepEqual(
      h.changes.map((c) => [c.key, c.from, c.to]),
      [["net.netfilter.nf_conntrack_log_invalid", "0", "6"]],
      h.host,
    );

  assert.equal(existsSync(out), false, "no bundle");
  await assertUntouched("after --dry-run");
  assert.deepEqual(
    fleet.hosts.map((h) => windowHistory(h).length),
    historyBefore,
    "no window was opened",
  );
});

test("SIGINT during a step: every host reverted, the bundle written, exit 130 within seconds", async () => {
  const out = join(dir, "interrupted");
  const started = startCli(["run", join(FIXTURES, "long-wait.yaml"), "--out", out, ...fleetArgs(fleet)]);
  let stderr = "";
  started.child.stderr!.on("data", (d: string) => (stderr += d));
  await waitFor(
    "the wait step to start (apply done)",
    () => stderr.includes("nfdebug: step: wait 60s"),
    60_000,
  );
  for (const h of fleet.hosts) assert.equal(windowHeader(h)?.state, "open", `${h.name}: window open`);
  const interruptedAt = Date.now();
  started.child.kill("SIGINT");
  const cli = await started.done;
  const took = (Date.now() - interruptedAt) / 1000;
  assert.equal(cli.code, 130, cli.stderr);
  assert.ok(took < 10, `exited ${took.toFixed(1)} s after SIGINT`);
  console.log(`# exit ${cli.code} ${took.toFixed(1)} s after SIGINT`);
  assert.match(cli.stderr, /interrupted: finishing the current step, reverting every host/);
  await assertRestored("after SIGINT");

  for (const f of BUNDLE_FILES) assert.ok(existsSync(join(out, f)), `${f} in the bundle`);
  const manifest = json<Manifest>(join(out, "manifest.json"));
  assert.deepEqual(
    manifest.steps.map((s) => [s.name, s.ok, s.message]),
    [
      ["apply", true, `window opened on ${HOSTS} host(s)`],
      ["wait 60s", false, "interrupted"],
      ["revert (always)", true, `reverted on ${HOSTS} host(s)`],
    ],
  );
  for (const h of manifest.hosts) assert.deepEqual([h.ok, h.reverted], [true, true], h.name);
  assert.equal((cli.json as unknown as { interrupted: boolean }).interrupted, true);
  assertFactsAgree(out);
});

test("SIGKILL during a step: the hosts revert by their own timers shortly after the window's end", async () => {
  const out = join(dir, "killed");
  const started = startCli(["run", join(FIXTURES, "short-window.yaml"), "--out", out, ...fleetArgs(fleet)]);
  let stderr = "";
  started.child.stderr!.on("data", (d: string) => (stderr += d));
  await waitFor(
    "the wait step to start (apply done)",
    () => stderr.includes("nfdebug: step: wait 300s"),
    60_000,
  );
  const expiry = new Map(fleet.hosts.map((h) => [h.name, Number(windowHeader(h)?.expires)]));
  for (const [name, expires] of expiry) assert.ok(expires > 0, `${name}: window open with an expiry`);
  started.child.kill("SIGKILL");
  const cli = await started.done;
  assert.equal(cli.signal, "SIGKILL");
  const values = await fleetValues(fleet);
  const applied = [...values.values()].filter(
    (v) => v["net.netfilter.nf_conntrack_log_invalid"] === "6",
  ).length;
  const readAt = Date.now() / 1000;
  if (Math.min(...expiry.values()) - readAt > 1)
    assert.equal(applied, HOSTS, "still applied: nobody reverted");

  const latest = Math.max(...expiry.values());
  /** The latest a host was seen still changed, relative to its expiry (s). */
  let lateness = -Infinity;
  await waitFor(
    "every host to revert by itself",
    async () => {
      const now = Date.now() / 1000;
      const current = await fleetValues(fleet);
      for (const h of fleet.hosts) {
        const back = JSON.stringify(current.get(h.name)) === JSON.stringify(original.get(h.name));
        assert.ok(
          back || now < expiry.get(h.name)! + GRACE_S,
          `${h.name} still changed ${GRACE_S}s after its expiry`,
        );
        if (!back) lateness = Math.max(lateness, now - expiry.get(h.name)!);
      }
      return fleet.hosts.every(
        (h) => JSON.stringify(current.get(h.name)) === JSON.stringify(original.get(h.name)),
      );
    },
    (latest + GRACE_S + 2 - Date.now() / 1000) * 1000,
  );
  console.log(`# after SIGKILL, hosts were last seen changed ${lateness.toFixed(1)} s after their expiry`);
  await assertRestored("after SIGKILL and expiry");
  for (const h of fleet.hosts) {
    const last = windowHistory(h).at(-1)!;
    assert.deepEqual([last[0], last[3]], ["closed", "expired"], `${h.name}: ${last.join(" ")}`);
  }
  assert.equal(existsSync(join(out, "manifest.json")), false, "a killed run writes no bundle");
});

test("container-hosts on namespace hosts: a clean `unsupported` failure, nothing changed, the bundle still written", async () => {
  const runbook = join(RUNBOOKS, "container-hosts.yaml");
  const dry = await runCli(["run", runbook, "--dry-run", ...fleetArgs(fleet)]);
  assert.equal(dry.code, 2, dry.stderr);
  const why =
    "nf_log_all_netns is unavailable: this host is not in the initial network namespace (set it on the machine that runs the container)";
  for (const h of dry.json!.hosts) assert.deepEqual(h.error, { kind: "unsupported", message: why }, h.host);

  const out = join(dir, "containers");
  const cli = await run(runbook, out);
  assert.equal(cli.code, 2, cli.stderr);
  for (const f of BUNDLE_FILES) assert.ok(existsSync(join(out, f)), `${f} in the bundle`);
  const manifest = json<Manifest>(join(out, "manifest.json"));
  assert.deepEqual(
    manifest.steps.map((s) => [s.name, s.ok]),
    [
      ["apply", false],
      ["revert (always)", true],
    ],
    "nothing after a failed apply",
  );
  for (const h of manifest.hosts)
    assert.deepEqual([h.ok, h.error], [false, { kind: "unsupported", message: why }], h.name);
  assert.equal(readJsonLines<LogRecord>(join(out, "records.jsonl")).length, 0);
  assert.deepEqual(readdirSync(join(out, "raw")), []);
  await assertUntouched("a refused runbook changes nothing");
  assertFactsAgree(out);
});

test("printk-deep-dive without dynamic debug: --dry-run and run report `unsupported` cleanly", async () => {
  const runbook = join(RUNBOOKS, "printk-deep-dive.yaml");
  const dry = await runCli(["run", runbook, "--dry-run", ...fleetArgs(fleet)]);
  assert.equal(dry.code, 2, dry.stderr);
  assert.equal(dry.json!.hosts.length, HOSTS);
  for (const h of dry.json!.hosts) {
    assert.equal(h.error?.kind, "unsupported", h.host);
    assert.match(
      h.error!.message,
      /^dynamic debug is not available on kernel \S+ \(no \/proc\/dynamic_debug\/control; needs CONFIG_DYNAMIC_DEBUG, or debugfs mounted\)$/,
    );
  }
  const text = await runCli(["run", runbook, "--dry-run", ...fleetArgs(fleet)], { json: false });
  assert.equal(text.code, 2, text.stderr);
  assert.match(text.stderr, /^h001\s+unsupported\s+dynamic debug is not available on kernel /m);
  assert.match(text.stdout, /^ {2}2\. exec: reproduce: SCTP INITs with good and bad CRC32c on lo$/m);

  const out = join(dir, "printk");
  const cli = await run(runbook, out);
  assert.equal(cli.code, 2, cli.stderr);
  const manifest = json<Manifest>(join(out, "manifest.json"));
  assert.deepEqual(
    manifest.steps.map((s) => [s.name, s.ok]),
    [
      ["apply", false],
      ["revert (always)", true],
    ],
  );
  for (const h of manifest.hosts) assert.equal(h.error?.kind, "unsupported", h.name);
  await assertUntouched("a refused runbook changes nothing");
});
