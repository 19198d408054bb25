// report.html in a real browser: Debian's chromium, headless, with background networking off.
// Checks the rendered DOM (one chart series per reason, the verdict) and a screenshot (size,
// and the series colours actually painted). The screenshot is kept in test-artifacts/report/.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { copyFile, mkdir, readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { writeReports } from "../../../src/report/write-reports.js";
import type { Report } from "../../../src/report/model.js";
import { sampleFleetInput } from "../../fixtures/report/sample.js";
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

let report: Report;
let htmlPath: string;

before(async () => {
  if (skip) return;
  const dir = await tempDir("nfdebug-report-");
  ({ report, html: htmlPath } = await writeReports(dir, sampleFleetInput()));
});

after(cleanupChromium);

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
  const { counts, white } = countColours(png, Object.keys(colours));
  for (const [hex, id] of Object.entries(colours))
    assert.ok(counts[hex] > 1000, `${id} (#${hex}) painted on ${counts[hex]} pixels`);
  assert.ok(
    counts["4e79a7"] > counts["f28e2b"] && counts["f28e2b"] > counts["e15759"],
    JSON.stringify(counts),
  );
  assert.ok(white < png.width * png.height * 0.95, "the page is not blank");
});
