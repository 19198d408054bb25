// The verdict: what a reader needs from the whole run, in one or two sentences.
//   "312 TCP packets were INVALID on 4 of 20 hosts; 97% were “ACK is over upper bound” from 10.1.2.3."
//   "No INVALID packets were logged on any of 20 hosts during the 5m window."

import { formatDuration } from "../duration.js";
import type { Report } from "./model.js";
import { countOf, formatCount, formatShare, listNames, wasWere } from "./wording.js";

/** Hosts named inline when this few logged anything. */
const NAME_HOSTS_UP_TO = 3;

export function writeVerdict(report: Omit<Report, "verdict">): string {
  const inventory = report.hosts.filter((h) => h.inInventory);
  const checked = inventory.filter((h) => h.ok);
  const failed = inventory.filter((h) => !h.ok);
  const sentences: string[] = [];

  if (inventory.length > 0 && checked.length === 0) {
    sentences.push(`No host could be checked; ${allFailed(failed.length)}: ${failedList(failed)}.`);
  } else {
    const captured = checked.reduce((n, h) => n + (h.capture?.captured ?? 0), 0);
    // Packets the NFLOG backend delivered as a pcap are not "nothing logged", records or not.
    sentences.push(
      report.totals.invalid > 0
        ? packetsLogged(report, checked)
        : captured > 0
          ? `${countOf(captured, "packet")} ${wasWere(captured)} captured through NFLOG (nfnetlink_log) into the hosts' pcaps; open them in Wireshark for each packet's reason.`
          : nothingLogged(report, checked),
    );
    if (failed.length > 0) {
      sentences.push(
        `${countOf(failed.length, "host")} failed and ${wasWere(failed.length)} not checked: ${failedList(failed)}.`,
      );
    }
  }
  if (report.totals.printk > 0) {
    sentences.push(
      `${countOf(report.totals.printk, "printk debug line")} ${wasWere(report.totals.printk)} collected too.`,
    );
  }
  return sentences.join(" ");
}

type HostLike = Report["hosts"][number];

function nothingLogged(report: Omit<Report, "verdict">, checked: HostLike[]): string {
  const where =
    checked.length === 1
      ? `on ${checked[0].name}`
      : checked.length === 0
        ? ""
        : `on any of ${countOf(checked.length, "host")}`;
  const spanMs = report.window.endMs - report.window.startMs;
  const during = spanMs >= 1000 ? ` during the ${formatDuration(spanMs)} window` : "";
  return `No INVALID packets were logged${where ? ` ${where}` : ""}${during}.`;
}

function packetsLogged(report: Omit<Report, "verdict">, checked: HostLike[]): string {
  const { invalid, protocols } = report.totals;
  const invalidReasons = new Set(report.reasons.filter((r) => r.kind === "invalid").map((r) => r.id));
  const readers = report.hosts.filter((h) =>
    Object.entries(h.byReason).some(([id, n]) => n > 0 && invalidReasons.has(id)),
  );
  // A line of a kernel log that several hosts share was logged for all of them.
  const logging = [...new Set(readers.flatMap((h) => h.sharedLog ?? [h.name]))].sort();
  const shared = readers.some((h) => h.sharedLog);

  const subject =
    protocols.length === 1
      ? `${formatCount(invalid)} ${protocols[0].name} ${invalid === 1 ? "packet" : "packets"}`
      : `${countOf(invalid, "packet")} (${protocols.map((p) => `${formatCount(p.count)} ${p.name}`).join(", ")})`;
  const where = `${hostPhrase(logging, checked.length)}${shared ? ", which share one kernel log" : ""}`;
  return `${subject} ${wasWere(invalid)} INVALID ${where}${reasonClause(report, invalid)}.`;
}

/** "on web-1", "on all 20 hosts", "on 2 of 20 hosts (web-3 and web-9)", "on 14 of 20 hosts". */
function hostPhrase(logging: string[], checkedCount: number): string {
  // records may name hosts outside the run's list; never claim "3 of 2"
  const of = Math.max(checkedCount, logging.length);
  if (of === 1) return `on ${logging[0]}`;
  if (logging.length === of) return `on all ${countOf(of, "host")}`;
  const named = logging.length <= NAME_HOSTS_UP_TO ? ` (${listNames(logging)})` : "";
  return `on ${formatCount(logging.length)} of ${countOf(of, "host")}${named}`;
}

/** "; 97% were ACK over upper bound from 10.1.2.3" — the dominant reason and its source. */
function reasonClause(report: Omit<Report, "verdict">, invalid: number): string {
  const top = report.reasons.find((r) => r.kind === "invalid");
  if (!top) return "";
  let source = "";
  if (top.topSource && top.topSource.count === top.count) source = ` from ${top.topSource.addr}`;
  else if (top.topSource && top.topSource.count * 2 >= top.count)
    source = ` mostly from ${top.topSource.addr}`;

  // quoted: labels are the kernel's own phrases ("bad checksum"), not always nouns
  const label = `“${top.label}”`;
  if (invalid === 1) return `: ${label}${source}`;
  if (top.count === invalid) return `; all were ${label}${source}`;
  const share = formatShare(top.count, invalid);
  if (top.count * 2 > invalid) return `; ${share} ${wasWere(top.count)} ${label}${source}`;
  return `; the most common reason was ${label} (${share})${source}`;
}

function allFailed(n: number): string {
  return n === 1
    ? "the only host failed"
    : n === 2
      ? "both hosts failed"
      : `all ${formatCount(n)} hosts failed`;
}

function failedList(failed: HostLike[]): string {
  return listNames(failed.map((h) => (h.error ? `${h.name} (${h.error.kind})` : h.name)));
}
