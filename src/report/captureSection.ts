// The report's words on captures (kind capture), in HTML and Markdown: per host, the NFLOG
// capture (the backend, tcpdump's counters, whether the bounds cut it, the bundle's pcap) and the
// flow captures of a runbook's capture steps, linked to it by the connections both name.
import { escapeHtml as esc, escapeMarkdown as md, markdownCode as code } from "./escape.js";
import type { HostRow, Report, ReportFlow } from "./model.js";

const captured = (h: HostRow) => h.capture?.captured ?? null;

function rows(report: Report): HostRow[] {
  return report.hosts.filter((h) => h.capture);
}

/** A counter, or "—" when tcpdump had not stopped at the last collect. */
const count = (n: number | null | undefined) => (n === null || n === undefined ? "—" : String(n));

/** The captures section: the NFLOG table, then the flows table, each when some host has one. */
export function captureHtml(report: Report): string {
  return [nflogHtml(report), flowsHtml(report)].filter((s) => s !== "").join("\n");
}

function nflogHtml(report: Report): string {
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
  return [...nflogMarkdown(report), ...flowsMarkdown(report)];
}

function nflogMarkdown(report: Report): string[] {
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

function flowRows(report: Report): { host: HostRow; flow: ReportFlow }[] {
  return report.hosts.flatMap((host) => (host.flows ?? []).map((flow) => ({ host, flow })));
}

/** "3 of 10": the host's INVALID packets whose connection the flow holds, of those with one. */
const linked = (f: ReportFlow) => `${f.invalidInFlow} of ${f.invalid}`;

function flowsHtml(report: Report): string {
  const flows = flowRows(report);
  if (flows.length === 0) return "";
  const body = flows
    .map(({ host, flow: f }) => {
      const link = f.pcap ? `<a href="${esc(f.pcap)}">${esc(f.pcap)}</a>` : "—";
      return `<tr><td class="mono nowrap">${esc(host.name)}</td><td class="mono">${esc(f.name)}</td><td class="mono">${esc(f.interface)}</td><td class="mono">${esc(f.filter)}</td><td class="num">${count(f.captured)}</td><td class="num">${f.inFile}</td><td class="num">${count(f.droppedByKernel)}</td><td>${f.cutByBounds ? "yes" : "no"}</td><td class="num">${linked(f)}</td><td class="mono">${link}</td></tr>`;
    })
    .join("\n");
  return `<h3>Flow captures</h3>
<table><thead><tr><th>Host</th><th>Flow</th><th>Interface</th><th>Filter</th><th class="num">Packets captured</th><th class="num">In the pcap</th><th class="num">Dropped by kernel</th><th>Cut by the bounds</th><th class="num">INVALID packets in the flow</th><th>pcap</th></tr></thead>
<tbody>${body}</tbody></table>
<p class="note">The runbook's capture steps: tcpdump of a flow on each host for the rest of the window. "INVALID packets in the flow"
counts the host's INVALID records whose connection (protocol, addresses and ports, either direction) has packets in the
flow's pcap, of all its INVALID records with addresses: open both pcaps side by side (or merge them with mergecap) to read
each rejected packet next to the flow it belongs to.</p>`;
}

function flowsMarkdown(report: Report): string[] {
  const flows = flowRows(report);
  if (flows.length === 0) return [];
  return [
    "## Flow captures",
    "",
    "| Host | Flow | Interface | Filter | Packets captured | In the pcap | Dropped by kernel | Cut by the bounds | INVALID packets in the flow | pcap |",
    "| --- | --- | --- | --- | ---: | ---: | ---: | --- | ---: | --- |",
    ...flows.map(
      ({ host, flow: f }) =>
        `| ${code(host.name)} | ${md(f.name)} | ${code(f.interface)} | ${code(f.filter)} | ${count(f.captured)} | ${f.inFile} | ${count(f.droppedByKernel)} | ${f.cutByBounds ? "yes" : "no"} | ${linked(f)} | ${f.pcap ? code(f.pcap) : "—"} |`,
    ),
    "",
  ];
}
