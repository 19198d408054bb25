// Small pieces of English shared by the verdict and the renderers: counts, plurals, protocol
// names, percentages, reason labels, lists of names and UTC times.
import { KNOBS } from "../kinds/registry.js";
import { l4ProtocolLabel } from "../protocols.js";
import type { Profile } from "../profile/types.js";
import { describeTrip, type BudgetTrip } from "../engine/status.js";

// Made on first use: creating an Intl formatter costs ~10 ms, which every command importing this
// module would otherwise pay at start-up.
let numberFormat: Intl.NumberFormat | undefined;

/** 12345 → "12,345". */
export function formatCount(n: number): string {
  numberFormat ??= new Intl.NumberFormat("en-US");
  return numberFormat.format(n);
}

/** (1, "packet") → "1 packet"; (3, "host") → "3 hosts"; (2, "entry", "entries") → "2 entries". */
export function countOf(n: number, one: string, many = `${one}s`): string {
  return `${formatCount(n)} ${n === 1 ? one : many}`;
}

export function wasWere(n: number): string {
  return n === 1 ? "was" : "were";
}

/** The protocol of a record, from nf_ct_proto_N first (what conntrack judged), then PROTO=. */
export function protocolName(l4proto: number | null, proto?: string | null): string {
  if (l4proto !== null) return l4ProtocolLabel(l4proto) ?? `protocol ${l4proto}`;
  return proto ? proto.toUpperCase() : "unknown protocol";
}

/**
 * A share as people say it: never "100%" unless it is all, never "0%" unless it is none.
 * 311/312 → "99%", 1/1000 → "<1%".
 */
export function formatShare(part: number, total: number): string {
  if (total <= 0 || part <= 0) return "0%";
  if (part >= total) return "100%";
  const pct = Math.round((part / total) * 100);
  if (pct >= 100) return "99%";
  if (pct <= 0) return "<1%";
  return `${pct}%`;
}

/**
 * A short label for a reason from its kernel text when the catalogue gives none:
 * "ACK is over upper bound 2905654132 (ACKed data not seen yet)" → "ACK is over upper bound".
 * Drops the trailing explanation, a trailing number and the SCTP/DCCP "nf_ct_x: " prefix.
 */
export function labelFromReasonText(text: string): string {
  let t = text.trim().replace(/^nf_ct_\w+:\s*/, "");
  t = t.replace(/\s*\([^()]*\)\s*$/, "");
  t = t.replace(/\s+\d+$/, "");
  return t || text.trim();
}

/** ["a","b","c","d"], max 2 → "a, b and 2 more"; ["a","b"] → "a and b". */
export function listNames(names: string[], max = 3): string {
  if (names.length <= max) {
    return names.length <= 1 ? (names[0] ?? "") : `${names.slice(0, -1).join(", ")} and ${names.at(-1)}`;
  }
  return `${names.slice(0, max).join(", ")} and ${names.length - max} more`;
}

/** Epoch ms → "2026-11-25 12:12:15 UTC". */
export function formatUtc(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19).replace("T", " ")} UTC`;
}

/** Epoch ms → "12:12:15" (or "12:12" when seconds are noise). */
export function formatClock(ms: number, withSeconds = true): string {
  return new Date(ms).toISOString().slice(11, withSeconds ? 19 : 16);
}

/** "src:sport → dst:dport", IPv6 addresses bracketed when a port follows. */
export function formatEndpoint(addr: string | null, port: number | null): string {
  const a = addr ?? "?";
  if (port === null) return a;
  return a.includes(":") ? `[${a}]:${port}` : `${a}:${port}`;
}

/** How a host's debug window ended, for people. */
export function revertText(
  reverted: boolean | "expired" | "tripped" | "failed",
  changes: number,
): {
  text: string;
  tone: "ok" | "warn" | "bad";
} {
  if (changes === 0) return { text: "nothing to revert", tone: "ok" };
  if (reverted === true) return { text: "reverted", tone: "ok" };
  if (reverted === "expired") return { text: "reverted by the host's timer", tone: "warn" };
  // As designed, not a failure: the host ended the window early (tripLines say how).
  if (reverted === "tripped") return { text: "reverted by the host: its log budget tripped", tone: "warn" };
  if (reverted === "failed") return { text: "revert failed", tone: "bad" };
  return { text: "not reverted", tone: "bad" };
}

/** "window tripped its budget on h12 at 14:03:07: 18,400 lines/s > 2,000/s", one per tripped host. */
export function tripLines(hosts: ReadonlyArray<{ name: string; trip?: BudgetTrip }>): string[] {
  return hosts.flatMap((h) => (h.trip ? [describeTrip(h.name, h.trip)] : []));
}

/** The profile's settings as short phrases, in the kinds' words: "nf_conntrack_log_invalid=6 (TCP)". */
export function describeProfile(p: Partial<Profile>): string[] {
  return KNOBS.flatMap((knob) => knob.describe(p));
}

/** Why the top-flows table is empty. */
export function noFlowsText(records: number): string {
  return records === 0 ? "No records were logged." : "No flows: no record had addresses.";
}

/**
 * One sentence per group of hosts that read one kernel log (HostRow.sharedLog): why their
 * per-host counts do not say which of them logged a line.
 */
export function sharedLogNotes(hosts: Array<{ sharedLog?: string[] }>): string[] {
  const groups = new Map<string, string[]>();
  for (const h of hosts) if (h.sharedLog) groups.set(h.sharedLog.join(" "), h.sharedLog);
  return [...groups.values()].map(
    (names) =>
      `${listNames(names)} read one kernel log (namespaces or containers of one machine): each line is counted once, for the host that read it first, so their per-host counts do not say which of them logged it.`,
  );
}
