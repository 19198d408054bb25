// The report's words on NFLOG captures (kind capture): per host, the backend, tcpdump's counters,
// whether the bounds cut the capture, and the bundle's pcap, in HTML and Markdown.
import { escapeHtml as esc, escapeMarkdown as md, markdownCode as code } from "./escape.js";
import type { HostRow, Report } from "./model.js";

const captured = (h: HostRow) => h.capture?.captured ?? null;

function rows(report: Report): HostRow[] {
  return report.hosts.filter((h) => h.capture);
}

/** A counter, or "—" when tcpdump had not stopped at the last collect. */
const count = (n: number | null | undefined) => (n === null || n === undefined ? "—" : String(n));

export function captureHtml(report: Report): string {
  const hosts = rows(report);
  if (hosts.length === 0) return "";
  const body = hosts
    .map((h) => {
      const c = h.capture!;
      const link = c.pcap ? `<a href="${esc(c.pcap)}">${esc(c.pcap)}</a>` : "—";
      return `<tr><td class="mono nowrap">${esc(h.name)}</td><td class="mono">${esc(c.backend)}</td><td class="num">${count(captured(h))}</td><td class="num">${count(c.inFile)}</td><td class="num">${count(c.droppedByKernel)}</td><td>${c.cutByBounds ? "yes" : "no"}</td><td class="mono">${link}</td></tr>`;
    })
    .join("\n");
  return `<table><thead><tr><th>Host</th><th>Backend</th><th class="num">Packets captured</th><th class="num">In the pcap</th><th class="num">Dropped by kernel</th><th>Cut by the bounds</th><th>pcap</th></tr></thead>
<tbody>${body}</tbody></table>
<p class="note">Packets conntrack sent to NFLOG group 0 (nf_log bound to nfnetlink_log), captured by tcpdump on each host;
counters as tcpdump printed them when it stopped. Fewer packets in the pcap than captured: tcpdump could not write them
(a full disk on the host). Open a pcap in Wireshark: the NFLOG prefix of each packet is the kernel's reason.</p>`;
}

export function captureMarkdown(report: Report): string[] {
  const hosts = rows(report);
  if (hosts.length === 0) return [];
  return [
    "## NFLOG capture",
    "",
    "| Host | Backend | Packets captured | In the pcap | Dropped by kernel | Cut by the bounds | pcap |",
    "| --- | --- | ---: | ---: | ---: | --- | --- |",
    ...hosts.map((h) => {
      const c = h.capture!;
      return `| ${code(h.name)} | ${md(c.backend)} | ${count(captured(h))} | ${count(c.inFile)} | ${count(c.droppedByKernel)} | ${c.cutByBounds ? "yes" : "no"} | ${c.pcap ? code(c.pcap) : "—"} |`;
    }),
    "",
  ];
}
