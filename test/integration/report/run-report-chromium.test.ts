// The report.html of a real run in a real browser: `nfdebug run` on a small namespace fleet with a
// runbook whose exec steps make INVALID packets of three kinds (the fleet's own packet program),
// then Debian's chromium, headless: the rendered DOM has one chart series per reason of the
// records, the verdict of summary.md, every host; the screenshot shows each series painted and is
// kept in test-artifacts/report/.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { copyFile, mkdir, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { stringify } from "yaml";
import { startFleet, type Fleet } from "../../fleet/netns.js";
import { PACKET_PROGRAM } from "../../fleet/netns/packet-program.js";
import { runCli } from "../../support/cli.js";
import type { LogRecord } from "../../../src/logs/record.js";
import { fleetArgs, fleetValues, type KnobValues } from "../cli/fleetProbe.js";
import { readJsonLines } from "../cli/collectProbe.js";
import {
  ARTIFACTS,
  chromium,
  chromiumSkip as skip,
  cleanupChromium,
  countColours,
  tempDir,
} from "./headlessChromium.js";
import { decodePng, pngSize } from "./png.js";

const WIDTH = 1280;
const HEIGHT = 2000;

let fleet: Fleet;
let dir: string;
let out: string;
let original: Map<string, KnobValues>;

/** An exec step running the fleet's packet program on some hosts (it needs a ct ruleset to be tracked). */
function packetStep(kind: string, count: number, hosts: string) {
  const command = [
    `# reproduce: ${count} x ${kind}`,
    "set -e",
    "nft add table inet nfdebug_repro",
    "trap 'nft delete table inet nfdebug_repro' EXIT",
    "nft add chain inet nfdebug_repro out '{ type filter hook output priority 0; }'",
    "nft add rule inet nfdebug_repro out ct state invalid counter",
    `python3 -I - ${kind} ${count} <<'PY'`,
    PACKET_PROGRAM.trim(),
    "PY",
  ].join("\n");
  return { exec: { command, hosts, timeout: "30s" } };
}

before(async () => {
  if (skip) return;
  dir = mkdtempSync(join(tmpdir(), "nfd-run-report-"));
  fleet = await startFleet({ count: 4, allNetnsLogging: true });
  original = await fleetValues(fleet);
  const runbook = join(dir, "three-reasons.yaml");
  writeFileSync(
    runbook,
    stringify({
      apiVersion: "nfdebug/v1",
      kind: "Runbook",
      name: "three-reasons",
      description: "INVALID packets of three kinds, for the report's chart.",
      question: "Does the report of a real run render in a browser?",
      profile: { log_invalid: "all", nf_log: { ipv4: "nf_log_ipv4" } },
      window: "5m",
      steps: [
        "apply",
        packetStep("tcp-bad-flags", 4, "all"),
        packetStep("tcp-out-of-window", 3, "h002"),
        packetStep("udp-bad-checksum", 2, "h003,h004"),
        "collect",
        "revert",
        "report",
      ],
    }),
  );
  out = join(dir, "bundle");
  const run = await runCli(["run", runbook, "--out", out, ...fleetArgs(fleet)], { timeoutMs: 300_000 });
  assert.equal(run.code, 0, run.stderr);
  assert.deepEqual(await fleetValues(fleet), original, "reverted");
});

after(async () => {
  await cleanupChromium();
  await fleet?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
  if (fleet) assert.deepEqual(fleet.leftovers(), [], "nothing of the fleet is left");
});

/** Reason ids of the records, most frequent first (the report's order). */
function reasonsOfRecords(): { id: string; count: number }[] {
  const counts = new Map<string, number>();
  for (const r of readJsonLines<LogRecord>(join(out, "records.jsonl")))
    counts.set(r.reason_id, (counts.get(r.reason_id) ?? 0) + 1);
  return [...counts]
    .map(([id, count]) => ({ id, count }))
    .sort((a, b) => b.count - a.count || a.id.localeCompare(b.id));
}

test("the run's report renders: one chart series per reason, the verdict, every host", { skip }, async () => {
  const reasons = reasonsOfRecords();
  // 4 hosts × 4 SYN+RST × 2 lines; 3 out-of-window ACKs × 2 lines; 2 hosts × 2 datagrams × 1 line.
  assert.deepEqual(reasons, [
    { id: "tcp.invalid_flags", count: 32 },
    { id: "tcp.ack_over_upper_bound", count: 6 },
    { id: "udp.bad_checksum", count: 4 },
  ]);
  const { code, stdout, stderr } = await chromium([
    "--dump-dom",
    pathToFileURL(join(out, "report.html")).href,
  ]);
  assert.equal(code, 0, stderr);
  assert.match(stdout, /<svg class="chart"/);
  const series = [...stdout.matchAll(/<g class="series" data-series="([^"]+)"/g)].map((m) => m[1]);
  assert.deepEqual(series.sort(), reasons.map((r) => r.id).sort(), "one series per reason");

  const verdict = /<p class="verdict" id="verdict-text">([^<]*)<\/p>/.exec(stdout)?.[1];
  const markdown = /^\*\*Verdict:\*\* (.*)$/m.exec(readFileSync(join(out, "summary.md"), "utf8"))?.[1];
  assert.equal(verdict, markdown);
  assert.match(
    verdict!,
    /^42 packets \(38 TCP, 4 UDP\) were INVALID on .*; 76% were “invalid tcp flag combination” from 127\.0\.0\.1\.$/,
  );
  for (const h of fleet.hosts)
    assert.ok(
      stdout.includes(`<tr><td class="mono nowrap">${h.name}</td>`),
      `${h.name} in the counters table`,
    );
});

test(
  "a screenshot of the run's report shows every series painted; it is kept as a test artifact",
  { skip },
  async () => {
    const shot = join(await tempDir("nfdebug-run-shot-"), "report.png");
    const { code, stderr } = await chromium([
      `--screenshot=${shot}`,
      `--window-size=${WIDTH},${HEIGHT}`,
      pathToFileURL(join(out, "report.html")).href,
    ]);
    assert.equal(code, 0, stderr);
    await mkdir(ARTIFACTS, { recursive: true });
    await copyFile(shot, join(ARTIFACTS, "run-report-chromium.png"));
    await copyFile(join(out, "report.html"), join(ARTIFACTS, "run-report.html"));

    const bytes = await readFile(shot);
    assert.deepEqual(pngSize(bytes), { width: WIDTH, height: HEIGHT });
    const html = readFileSync(join(out, "report.html"), "utf8");
    const fills = Object.fromEntries(
      [...html.matchAll(/<g class="series" data-series="([^"]+)" fill="#([0-9a-f]{6})">/g)].map((m) => [
        m[2],
        m[1],
      ]),
    );
    assert.equal(Object.keys(fills).length, 3, JSON.stringify(fills));
    const png = decodePng(bytes);
    const { counts, white } = countColours(png, Object.keys(fills));
    // Bars are areas of exactly the series colour; a series of 4 records still makes a visible bar.
    for (const [hex, id] of Object.entries(fills))
      assert.ok(counts[hex] > 100, `${id} (#${hex}) painted on ${counts[hex]} pixels`);
    assert.ok(white < png.width * png.height * 0.95, "the page is not blank");
  },
);
