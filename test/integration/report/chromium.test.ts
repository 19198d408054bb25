// report.html in a real browser: Debian's chromium, headless, with background networking off.
// Checks the rendered DOM (one chart series per reason, the verdict) and a screenshot (size,
// and the series colours actually painted). The screenshot is kept in test-artifacts/report/.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { copyFile, mkdir, mkdtemp, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { writeReports } from "../../../src/report/bundle.js";
import type { Report } from "../../../src/report/summary.js";
import { sampleFleetInput } from "../../fixtures/report/sample.js";
import { decodePng, pngSize } from "./png.js";

const CHROMIUM = "/usr/bin/chromium";
const skip = existsSync(CHROMIUM)
  ? false
  : `Debian's chromium is not installed (${CHROMIUM} is absent); CI must run "apt-get install -y chromium"`;
const ARTIFACTS = fileURLToPath(new URL("../../../../test-artifacts/report/", import.meta.url));
const WIDTH = 1280;
const HEIGHT = 2000;

const temps: string[] = [];
const groups = new Set<number>();
let report: Report;
let htmlPath: string;

/** Chromium forks helpers; each run is its own process group so all of it can be ended by id. */
function killGroup(pgid: number): void {
  try {
    process.kill(-pgid, "SIGKILL");
  } catch {
    // already gone
  }
  groups.delete(pgid);
}
const killAll = () => [...groups].forEach(killGroup);
process.on("exit", killAll);

async function tempDir(prefix: string): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), prefix));
  temps.push(d);
  return d;
}

async function chromium(
  args: string[],
  timeoutMs = 90_000,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const profile = await tempDir("nfdebug-chromium-profile-");
  const child = spawn(
    CHROMIUM,
    [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      `--user-data-dir=${profile}`,
      ...args,
    ],
    { detached: true, stdio: ["ignore", "pipe", "pipe"] },
  );
  groups.add(child.pid!);
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d) => (stdout += d));
  child.stderr.on("data", (d) => (stderr += d));
  const timer = setTimeout(() => killGroup(child.pid!), timeoutMs);
  const code = await new Promise<number | null>((resolve, reject) => {
    child.on("error", reject);
    child.on("close", resolve);
  });
  clearTimeout(timer);
  killGroup(child.pid!); // helpers that outlive the browser process
  return { code, stdout, stderr };
}

before(async () => {
  if (skip) return;
  const dir = await tempDir("nfdebug-report-");
  ({ report, html: htmlPath } = await writeReports(dir, sampleFleetInput()));
});

after(async () => {
  killAll();
  for (const d of temps) await rm(d, { recursive: true, force: true });
});

test("the rendered DOM has one chart series per reason and the verdict", { skip }, async () => {
  assert.equal(report.reasons.length, 3);
  assert.equal(report.hosts.length, 5);
  const { code, stdout, stderr } = await chromium(["--dump-dom", pathToFileURL(htmlPath).href]);
  assert.equal(code, 0, stderr);
  assert.match(stdout, /<svg class="chart"/);
  const series = [...stdout.matchAll(/<g class="series" data-series="([^"]+)"/g)].map((m) => m[1]);
  assert.deepEqual(
    series,
    report.reasons.map((r) => r.id),
  );
  const verdict = /<p class="verdict" id="verdict-text">([^<]*)<\/p>/.exec(stdout)?.[1];
  assert.equal(
    verdict,
    "306 packets (261 TCP, 45 UDP) were INVALID on all 5 hosts; 78% were “ACK is over upper bound” from 10.77.0.1.",
  );
  assert.equal(verdict, report.verdict);
  assert.equal(
    stdout.match(/<tr><td class="mono host" title="web-0\d">web-0\d<\/td>/g)?.length,
    5,
    "5 hosts in the heat table",
  );
  assert.equal(
    stdout.match(/<tr><td class="mono nowrap">web-0\d<\/td>/g)?.length,
    5,
    "5 hosts in the counters",
  );
});

test("a screenshot shows the page with the chart's series painted", { skip }, async () => {
  const shot = join(await tempDir("nfdebug-shot-"), "report.png");
  const { code, stderr } = await chromium([
    `--screenshot=${shot}`,
    `--window-size=${WIDTH},${HEIGHT}`,
    pathToFileURL(htmlPath).href,
  ]);
  assert.equal(code, 0, stderr);
  await mkdir(ARTIFACTS, { recursive: true });
  await copyFile(shot, join(ARTIFACTS, "report-chromium.png"));
  await copyFile(htmlPath, join(ARTIFACTS, "report.html"));

  const bytes = await readFile(shot);
  assert.deepEqual(pngSize(bytes), { width: WIDTH, height: HEIGHT });
  assert.ok((await stat(shot)).size > 50_000, "a blank page would compress to a few KB");

  // the bars are large areas of exactly the series colours; legend and table swatches are tiny
  const png = decodePng(bytes);
  const colours: Record<string, string> = {
    "4e79a7": "tcp.ack_over_upper_bound",
    f28e2b: "udp.bad_checksum",
    e15759: "tcp.invalid_flags",
  };
  const counts = Object.fromEntries(Object.keys(colours).map((c) => [c, 0]));
  let white = 0;
  for (let y = 0; y < png.height; y++) {
    for (let x = 0; x < png.width; x++) {
      const hex = png
        .rgb(x, y)
        .map((v) => v.toString(16).padStart(2, "0"))
        .join("");
      if (hex in counts) counts[hex]++;
      else if (hex === "ffffff") white++;
    }
  }
  for (const [hex, id] of Object.entries(colours))
    assert.ok(counts[hex] > 1000, `${id} (#${hex}) painted on ${counts[hex]} pixels`);
  assert.ok(
    counts["4e79a7"] > counts["f28e2b"] && counts["f28e2b"] > counts["e15759"],
    JSON.stringify(counts),
  );
  assert.ok(white < png.width * png.height * 0.95, "the page is not blank");
});
