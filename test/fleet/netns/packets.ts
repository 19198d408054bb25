// Real INVALID packets inside a host, and the conntrack counters that see them.
//
// Seen on kernel 6.18 in a namespace host (nf_log_all_netns=1, nf_conntrack_log_invalid set,
// nf_log.2=nf_log_ipv4, nf_conntrack_tcp_be_liberal=0, nf_conntrack_checksum=1), one packet each:
//   tcp-bad-flags          2 lines  nf_ct_proto_6: invalid tcp flag combination IN= OUT=lo ... RST SYN ...
//   tcp-out-of-window      2 lines  nf_ct_proto_6: ACK is over upper bound 614853689 (ACKed data not seen yet) ...
//   tcp-seq-out-of-window  2 lines  nf_ct_proto_6: SEQ is over upper bound 4168020131 (over the window of the receiver) ...
//   udp-bad-checksum       1 line   nf_ct_proto_17: bad checksum IN=lo OUT= MAC=00:...:08:00 ... PROTO=UDP ...
//   icmp                   2 lines  nf_ct_proto_1: invalid icmp type ... PROTO=ICMP TYPE=99 CODE=0 ...
//   icmp-short             2 lines  nf_ct_proto_1: short packet ... PROTO=ICMP INCOMPLETE [4 bytes] ...
//   icmp-bad-checksum      1 line   nf_ct_proto_1: bad hw icmp checksum ... PROTO=ICMP TYPE=8 CODE=0 ID=.. SEQ=..
// TCP and UDP raise the `invalid` column of /proc/net/stat/nf_conntrack; the ICMP kinds raise
// `icmp_error` instead (the kernel counts ICMP header errors there), never `invalid`.
// Two lines = the packet was judged at OUTPUT (IN= OUT=lo, with UID/GID) and at PREROUTING (IN=lo).
import { runChecked } from "./command.js";
import { PACKET_PROGRAM } from "./packet-program.js";
import type { StoredHost } from "./registry.js";
import type { InvalidExpectation, InvalidKind, InvalidResult } from "./types.js";

export const INVALID_EXPECTATIONS: Record<InvalidKind, InvalidExpectation> = {
  "tcp-bad-flags": expect("tcp-bad-flags", 6, /^invalid tcp flag combination$/, 2, "invalid"),
  "tcp-out-of-window": expect(
    "tcp-out-of-window",
    6,
    /^ACK is over upper bound \d+ \(ACKed data not seen yet\)$/,
    2,
    "invalid",
  ),
  "tcp-seq-out-of-window": expect(
    "tcp-seq-out-of-window",
    6,
    /^SEQ is over upper bound \d+ \(over the window of the receiver\)$/,
    2,
    "invalid",
  ),
  "udp-bad-checksum": expect("udp-bad-checksum", 17, /^bad checksum$/, 1, "invalid"),
  icmp: expect("icmp", 1, /^invalid icmp type$/, 2, "icmp_error"),
  "icmp-short": expect("icmp-short", 1, /^short packet$/, 2, "icmp_error"),
  "icmp-bad-checksum": expect("icmp-bad-checksum", 1, /^bad hw icmp checksum$/, 1, "icmp_error"),
};

function expect(
  kind: InvalidKind,
  l4proto: number,
  reason: RegExp,
  lines: number,
  counter: "invalid" | "icmp_error",
): InvalidExpectation {
  return { kind, l4proto, reason, linesPerPacket: lines, counter, counterPerPacket: lines };
}

export const INVALID_KINDS = Object.keys(INVALID_EXPECTATIONS) as InvalidKind[];

/** The reason text of a kernel line ("nf_ct_proto_6: <reason> IN=..."), or undefined. */
export function reasonOfLine(line: string): { l4proto: number; reason: string } | undefined {
  const match = /nf_ct_proto_(\d+): (.*?) IN=/.exec(line);
  return match ? { l4proto: Number(match[1]), reason: match[2] } : undefined;
}

/** nftables rules that use ct state, so that conntrack tracks the host at all (DOMAIN.md §11). */
const TRACKING_RULESET = `table inet nfdtest {}
delete table inet nfdtest
table inet nfdtest {
  chain out { type filter hook output priority 0; ct state invalid counter; }
  chain in { type filter hook input priority 0; ct state invalid counter; }
}
`;

export async function trackConntrack(host: StoredHost): Promise<void> {
  await runChecked(["ip", "netns", "exec", host.netns, "nft", "-f", "-"], { input: TRACKING_RULESET });
  host.tracked = true;
}

export async function makeInvalid(host: StoredHost, kind: InvalidKind, count = 1): Promise<InvalidResult> {
  const expectation = INVALID_EXPECTATIONS[kind];
  if (!expectation)
    throw new Error(`unknown INVALID packet kind ${kind}; one of ${INVALID_KINDS.join(", ")}`);
  if (!Number.isInteger(count) || count < 1 || count > 10_000) throw new Error(`count must be 1..10000`);
  if (!host.tracked) await trackConntrack(host);
  const stdout = await runChecked(
    ["ip", "netns", "exec", host.netns, "/usr/bin/python3", "-I", "-c", PACKET_PROGRAM, kind, String(count)],
    { timeoutMs: 30_000 },
  );
  const { flows } = JSON.parse(stdout) as Pick<InvalidResult, "flows">;
  return { ...expectation, packets: count, flows };
}

/** /proc/net/stat/nf_conntrack of the host: hex values per CPU, summed, by header name. */
export function parseConntrackStat(text: string): Record<string, number> {
  const [header, ...rows] = text.trim().split("\n");
  const names = header.trim().split(/\s+/);
  const totals: Record<string, number> = Object.fromEntries(names.map((n) => [n, 0]));
  for (const row of rows) {
    row
      .trim()
      .split(/\s+/)
      .forEach((value, i) => {
        // "entries" is the same global count on every row, not a per-CPU figure.
        if (names[i] === "entries") totals.entries = parseInt(value, 16);
        else if (names[i] !== undefined) totals[names[i]] += parseInt(value, 16);
      });
  }
  return totals;
}

export async function conntrackStats(host: StoredHost): Promise<Record<string, number>> {
  return parseConntrackStat(
    await runChecked(["ip", "netns", "exec", host.netns, "cat", "/proc/net/stat/nf_conntrack"]),
  );
}
