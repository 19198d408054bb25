// Renders a bundle's reports: summary.md and report.html.
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { BUNDLE_FILES } from "./bundle.js";
import { renderHtml } from "./html.js";
import { renderMarkdown } from "./markdown.js";
import type { Report, ReportInput } from "./model.js";
import { buildReport } from "./summary.js";

/** Renders summary.md and report.html into dir; returns their paths and the built report. */
export async function writeReports(
  dir: string,
  input: ReportInput,
): Promise<{ summary: string; html: string; report: Report }> {
  const report = buildReport(input);
  return { ...(await renderReports(dir, report)), report };
}

/** Writes summary.md and report.html of a report already built (e.g. by a ReportBuilder). */
export async function renderReports(dir: string, report: Report): Promise<{ summary: string; html: string }> {
  await mkdir(dir, { recursive: true });
  const summary = join(dir, BUNDLE_FILES.summary);
  const html = join(dir, BUNDLE_FILES.html);
  await writeFile(summary, renderMarkdown(report));
  await writeFile(html, renderHtml(report));
  return { summary, html };
}
