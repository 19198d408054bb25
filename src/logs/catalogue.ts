// The reasons conntrack gives for marking a packet INVALID, with stable ids.
// Message texts are data taken from the kernel sources (net/netfilter/nf_conntrack_proto_*.c); each
// spelling's `kernels` is checked against the formats extracted from real trees
// (test/fixtures/kernel-formats/, scripts/extract-invalid-formats.mjs). Every spelling of the same
// check maps to one id, so counts stay comparable across a fleet of mixed kernels. Matching ignores
// case: older kernels wrote "invalid RST", "bad HW ICMP checksum" for today's lower-case texts.
// Ranges describe kernel.org releases; distribution kernels carry backports of their own (RHEL 8's
// "4.18.0" prints 5.x spellings), so a range says what to expect, never what to match.
import type { Protocol } from "../protocols.js";
import type { KernelRange } from "./kernel-range.js";

export interface ReasonFormat {
  /** printf-style text as the kernel passes it (without the nf_ct_<proto>: prefix some protocols add). */
  text: string;
  /** Names for the conversions in `text`, in order; they become the record's `details`. */
  params?: string[];
  /** Kernel releases that print this spelling (in any letter case). */
  kernels: KernelRange;
  /** What the range does not say: other letter cases, unverified bounds. */
  note?: string;
  /**
   * Real kernels nfdebug recorded printing this spelling (test/fixtures/logs/kernel-<release>.txt:
   * Debian 12's 6.1, Debian 13's 6.12, this project's 6.18 machine); `kernels` is what the sources say.
   */
  seen?: string[];
}

export interface CatalogueEntry {
  id: string;
  protocol: Protocol;
  formats: ReasonFormat[];
  /** One line for reports: what the kernel checked. */
  explanation: string;
  /** What usually causes it. */
  hint: string;
}

const TCP_WINDOW_HINT =
  "Usually asymmetric routing (conntrack sees one direction only), packet loss or reordering in front of this host, " +
  "NAT/load balancers rewriting sequence numbers, or offloads (GRO/TSO) producing segments larger than the window. " +
  "Silent when nf_conntrack_tcp_be_liberal=1.";

const ALL: KernelRange = {};
/** `seen` of a spelling that every recorded kernel printed (6.1, 6.12 and 6.18). */
const EVERY_RECORDED = ["6.1", "6.12", "6.18"];
/** DCCP connection tracking was removed in 6.17 (fd72f265bb00). */
const DCCP: KernelRange = { until: "6.17" };
/** In 6.2.1; backported to stable series before it: present in 5.4.286, 5.15.135 and 6.1.119, not in 5.10.89. */
const ICMPV6_REDIRECT: KernelRange = { from: "6.2", backports: ["5.4.286", "5.15.135", "6.1.119"] };
const TCP_WINDOW_OLD: KernelRange = { until: "6.1" };
const TCP_WINDOW_NEW: KernelRange = { from: "6.1" };

export const CATALOGUE: readonly CatalogueEntry[] = [
  // --- TCP -----------------------------------------------------------------------------------
  {
    id: "tcp.short",
    protocol: "tcp",
    formats: [{ text: "short packet", kernels: { until: "4.20" } }],
    explanation: "The packet is shorter than a minimal TCP header.",
    hint: "Truncated captures, broken middleboxes, or crafted packets.",
  },
  {
    id: "tcp.truncated",
    protocol: "tcp",
    formats: [
      { text: "truncated packet", seen: EVERY_RECORDED, kernels: { from: "4.19" } },
      { text: "truncated/malformed packet", kernels: { until: "4.19" } },
    ],
    explanation: "The TCP data offset points outside the packet or below 20 bytes.",
    hint: "Malformed or truncated segments, usually crafted or damaged in transit.",
  },
  {
    id: "tcp.bad_checksum",
    protocol: "tcp",
    formats: [
      { text: "bad checksum", seen: EVERY_RECORDED, kernels: { from: "4.19" } },
      { text: "bad TCP checksum", kernels: { until: "4.19" } },
    ],
    explanation: "The TCP checksum is wrong (checked in PREROUTING when nf_conntrack_checksum=1).",
    hint: "Corruption on the wire, broken NIC checksum offload, or a virtual switch that forgot to fill the checksum.",
  },
  {
    id: "tcp.invalid_flags",
    protocol: "tcp",
    formats: [
      {
        text: "invalid tcp flag combination",
        seen: EVERY_RECORDED,
        kernels: ALL,
        note: '"TCP" upper-case before 4.19',
      },
    ],
    explanation: "The TCP flags form a combination no valid segment has (e.g. SYN+RST, SYN+FIN, no flags).",
    hint: "Port scanners (Xmas/NULL scans) or crafted packets; rarely buggy stacks.",
  },
  {
    id: "tcp.invalid_new",
    protocol: "tcp",
    formats: [
      {
        text: "invalid new",
        seen: ["6.12", "6.18"],
        kernels: { from: "6.7" },
        note: 'a pr_debug ("nf_ct_tcp: invalid new deleting.") before; absent from 6.6.87, present in 6.7.3',
      },
    ],
    explanation:
      "A packet that would create a new connection is not a valid opening segment (e.g. a bare ACK with nf_conntrack_tcp_loose=0, or SYN+ACK).",
    hint: "Mid-stream pickup after a conntrack flush, failover, or reboot; or tcp_loose=0 on a host that sees established flows.",
  },
  {
    id: "tcp.invalid_rst",
    protocol: "tcp",
    formats: [
      {
        text: "invalid rst",
        seen: EVERY_RECORDED,
        kernels: ALL,
        note: '"RST" upper-case before 4.19',
      },
    ],
    explanation: "A RST whose sequence number is below what the peer already acknowledged.",
    hint: "Stale or spoofed resets, or resets from a middlebox that lost sync; see nf_conntrack_tcp_ignore_invalid_rst.",
  },
  {
    id: "tcp.invalid_state",
    protocol: "tcp",
    formats: [
      {
        text: "packet (index %d) in dir %d invalid, state %s",
        seen: EVERY_RECORDED,
        params: ["index", "dir", "state"],
        kernels: { from: "5.18" },
      },
      { text: "invalid state", kernels: { until: "5.18" } },
    ],
    explanation:
      "The segment type is not allowed in the connection's current state (index: 0 SYN, 1 SYN-ACK, 2 FIN, 3 ACK, 4 RST, 5 none; dir 0 original, 1 reply).",
    hint: "Out-of-order or late segments (e.g. an ACK before the SYN-ACK was seen), conntrack state lost on one side, or asymmetric routing.",
  },
  {
    id: "tcp.ignored_state",
    protocol: "tcp",
    formats: [
      {
        text: "packet (index %d) in dir %d ignored, state %s",
        seen: EVERY_RECORDED,
        params: ["index", "dir", "state"],
        kernels: { from: "5.12" },
      },
      { text: "invalid packet ignored in state %s", params: ["state"], kernels: { until: "5.12" } },
      {
        text: "invalid packet ignored",
        kernels: { until: "4.14" },
        note: "kernels older than any read here (4.14.67 already names the state); when it changed is unverified",
      },
    ],
    explanation:
      "Conntrack could not tell whether the segment is valid in this state, so it ignored it without updating state (e.g. a SYN on an established connection).",
    hint: "Connection reuse (new SYN on a TIME_WAIT/ESTABLISHED tuple), retransmitted SYN-ACKs, or a peer that restarted.",
  },
  {
    id: "tcp.challenge_ack_ignored",
    protocol: "tcp",
    formats: [{ text: "challenge-ack ignored", kernels: ALL, note: '"challenge-ACK" before 4.19' }],
    explanation:
      "An RFC 5961 challenge ACK answering a SYN in LAST_ACK/TIME_WAIT was let through without a state change.",
    hint: "Usually harmless: a client reusing a port while the old connection is closing.",
  },
  {
    id: "tcp.seq_over_upper_bound",
    protocol: "tcp",
    formats: [
      {
        text: "SEQ is over upper bound %u (over the window of the receiver)",
        seen: EVERY_RECORDED,
        params: ["bound"],
        kernels: TCP_WINDOW_NEW,
      },
      { text: "SEQ is over the upper bound (over the window of the receiver)", kernels: TCP_WINDOW_OLD },
    ],
    explanation: "The segment starts beyond the receiver's advertised window.",
    hint: TCP_WINDOW_HINT,
  },
  {
    id: "tcp.ack_over_upper_bound",
    protocol: "tcp",
    formats: [
      {
        text: "ACK is over upper bound %u (ACKed data not seen yet)",
        seen: EVERY_RECORDED,
        params: ["bound"],
        kernels: TCP_WINDOW_NEW,
      },
      { text: "ACK is over the upper bound (ACKed data not seen yet)", kernels: TCP_WINDOW_OLD },
    ],
    explanation: "The segment acknowledges data this host never saw being sent.",
    hint: TCP_WINDOW_HINT,
  },
  {
    id: "tcp.seq_under_lower_bound",
    protocol: "tcp",
    formats: [
      {
        text: "SEQ is under lower bound %u (already ACKed data retransmitted)",
        seen: EVERY_RECORDED,
        params: ["bound"],
        kernels: TCP_WINDOW_NEW,
      },
      {
        text: "SEQ is under the lower bound (already ACKed data retransmitted)",
        kernels: TCP_WINDOW_OLD,
      },
    ],
    explanation:
      "The segment retransmits data the receiver already acknowledged, beyond the tolerated window. Before 6.1 the packet is dropped as INVALID; 6.1+ accepts it without updating the connection's state.",
    hint:
      "Lost ACKs, long delays, or carrier-grade NAT mapping old connections onto new ones. " +
      TCP_WINDOW_HINT,
  },
  {
    id: "tcp.ack_under_lower_bound",
    protocol: "tcp",
    formats: [
      {
        text: "ignored ACK under lower bound %u (possible overly delayed)",
        seen: EVERY_RECORDED,
        params: ["bound"],
        kernels: TCP_WINDOW_NEW,
      },
      { text: "ACK is under the lower bound (possible overly delayed ACK)", kernels: TCP_WINDOW_OLD },
    ],
    explanation:
      "The segment acknowledges data far older than the current window (an overly delayed ACK); 6.1+ lets it pass without a state change.",
    hint: "Heavy reordering or queueing delay; usually harmless on 6.1+.",
  },
  {
    id: "tcp.window_bug",
    protocol: "tcp",
    formats: [
      {
        text: "BUG",
        kernels: TCP_WINDOW_OLD,
        note: "the last branch of the window checks' message before 6.1",
      },
    ],
    explanation:
      "The window check rejected the segment although none of its four bound checks failed: a branch the kernel does not expect to reach.",
    hint: "Not caused by the traffic itself; worth reporting with the packet and kernel version.",
  },
  {
    id: "tcp.bytes_more_than_expected",
    protocol: "tcp",
    formats: [
      {
        text: "%u bytes more than expected",
        seen: EVERY_RECORDED,
        params: ["bytes"],
        kernels: { from: "6.0", backports: ["5.15.135"] },
        note: "absent from 5.19.0, present in 6.0.8; absent from 5.10.89",
      },
    ],
    explanation:
      "The segment carries more data than the receive window allows; conntrack accepts it and adjusts its state.",
    hint: "Senders overshooting a shrinking window (seen with some TCP stacks and offloads); informational.",
  },
  {
    id: "tcp.lower_timeout",
    protocol: "tcp",
    formats: [
      {
        text: "packet (index %d, dir %d) response for index %d lower timeout to %u",
        params: ["index", "dir", "response_index", "timeout"],
        kernels: { from: "6.1" },
      },
    ],
    explanation: "An unanswered segment made conntrack shorten the connection's timeout (not a drop).",
    hint: "A peer that stopped answering (e.g. RST lost, host gone); informational.",
  },
  // --- UDP -----------------------------------------------------------------------------------
  {
    id: "udp.short",
    protocol: "udp",
    formats: [{ text: "short packet", seen: EVERY_RECORDED, kernels: ALL }],
    explanation: "The packet is shorter than a UDP header.",
    hint: "Truncated or crafted packets.",
  },
  {
    id: "udp.truncated",
    protocol: "udp",
    formats: [{ text: "truncated/malformed packet", seen: EVERY_RECORDED, kernels: ALL }],
    explanation: "The UDP length field is larger than the packet or smaller than the header.",
    hint: "Truncation in transit, broken tunnels/encapsulation, or crafted packets.",
  },
  {
    id: "udp.bad_checksum",
    protocol: "udp",
    formats: [
      { text: "bad checksum", seen: EVERY_RECORDED, kernels: { from: "4.19" } },
      { text: "bad UDP checksum", kernels: { until: "4.19" } },
    ],
    explanation: "The UDP checksum is wrong (checked in PREROUTING when nf_conntrack_checksum=1).",
    hint: "Broken checksum offload (often VXLAN/Geneve or virtio paths), corruption on the wire, or NAT bugs.",
  },
  // --- UDP-Lite ------------------------------------------------------------------------------
  {
    id: "udplite.short",
    protocol: "udplite",
    formats: [{ text: "short packet", kernels: ALL }],
    explanation: "The packet is shorter than a UDP-Lite header.",
    hint: "Truncated or crafted packets.",
  },
  {
    id: "udplite.invalid_coverage",
    protocol: "udplite",
    formats: [{ text: "invalid checksum coverage", kernels: ALL }],
    explanation: "The UDP-Lite checksum coverage is smaller than the header or larger than the packet.",
    hint: "Malformed or crafted packets.",
  },
  {
    id: "udplite.checksum_missing",
    protocol: "udplite",
    formats: [{ text: "checksum missing", kernels: ALL }],
    explanation: "UDP-Lite requires a checksum and the packet has none.",
    hint: "Broken senders or crafted packets.",
  },
  {
    id: "udplite.bad_checksum",
    protocol: "udplite",
    formats: [
      { text: "bad checksum", kernels: { from: "4.19" } },
      { text: "bad UDPLite checksum", kernels: { until: "4.19" } },
    ],
    explanation: "The UDP-Lite checksum is wrong.",
    hint: "Corruption on the wire or broken offload.",
  },
  // --- ICMP ----------------------------------------------------------------------------------
  {
    id: "icmp.short",
    protocol: "icmp",
    formats: [{ text: "short packet", seen: EVERY_RECORDED, kernels: ALL }],
    explanation: "The packet is shorter than an ICMP header.",
    hint: "Truncated or crafted packets.",
  },
  {
    id: "icmp.bad_checksum",
    protocol: "icmp",
    formats: [
      {
        text: "bad hw icmp checksum",
        seen: EVERY_RECORDED,
        kernels: ALL,
        note: '"bad HW ICMP checksum" before 4.19',
      },
    ],
    explanation: "The ICMP checksum is wrong (checked in PREROUTING when nf_conntrack_checksum=1).",
    hint: "Corruption, broken offload, or crafted packets.",
  },
  {
    id: "icmp.invalid_type",
    protocol: "icmp",
    formats: [
      {
        text: "invalid icmp type",
        seen: EVERY_RECORDED,
        kernels: ALL,
        note: '"ICMP" upper-case before 4.19',
      },
    ],
    explanation: "The ICMP type is not one the kernel knows (above 18, or deprecated types on 5.19+).",
    hint: "Scanners or crafted packets.",
  },
  {
    id: "icmp.outer_inner_mismatch",
    protocol: "icmp",
    formats: [
      {
        text: "outer daddr %pI4 != inner %pI4",
        seen: EVERY_RECORDED,
        params: ["outer", "inner"],
        kernels: { from: "5.1" },
        note: "absent from 4.20.1, present in 5.2.1; 5.1 unverified",
      },
    ],
    explanation:
      "An ICMP error's destination differs from the source of the packet it quotes, so it cannot belong to that connection.",
    hint: "Spoofed ICMP errors, or NAT/routing that rewrote the outer header without the quoted one.",
  },
  // --- ICMPv6 --------------------------------------------------------------------------------
  {
    id: "icmpv6.short",
    protocol: "icmpv6",
    formats: [{ text: "short packet", seen: EVERY_RECORDED, kernels: ALL }],
    explanation: "The packet is shorter than an ICMPv6 header.",
    hint: "Truncated or crafted packets.",
  },
  {
    id: "icmpv6.bad_checksum",
    protocol: "icmpv6",
    formats: [{ text: "ICMPv6 checksum failed", seen: EVERY_RECORDED, kernels: ALL }],
    explanation: "The ICMPv6 checksum is wrong (checked in PREROUTING when nf_conntrack_checksum=1).",
    hint: "Corruption, broken offload, or crafted packets.",
  },
  {
    id: "icmpv6.short_redirect",
    protocol: "icmpv6",
    formats: [{ text: "short redirect", seen: EVERY_RECORDED, kernels: ICMPV6_REDIRECT }],
    explanation: "A Redirect message is too short to hold its fixed part.",
    hint: "Crafted or truncated Neighbor Discovery traffic.",
  },
  {
    id: "icmpv6.invalid_redirect",
    protocol: "icmpv6",
    formats: [
      {
        text: "invalid saddr or hoplimit for redirect",
        seen: EVERY_RECORDED,
        kernels: ICMPV6_REDIRECT,
      },
    ],
    explanation:
      "A Redirect does not come from a link-local address with hop limit 255, as RFC 4861 requires.",
    hint: "Spoofed or forwarded Neighbor Discovery messages.",
  },
  {
    id: "icmpv6.redirect_without_options",
    protocol: "icmpv6",
    formats: [{ text: "redirect without options", seen: EVERY_RECORDED, kernels: ICMPV6_REDIRECT }],
    explanation: "A Redirect carries no (or an empty) option after its fixed part.",
    hint: "Crafted or truncated Neighbor Discovery traffic.",
  },
  {
    id: "icmpv6.outer_inner_mismatch",
    protocol: "icmpv6",
    formats: [
      {
        text: "outer daddr %pI6 != inner %pI6",
        seen: EVERY_RECORDED,
        params: ["outer", "inner"],
        kernels: { from: "5.1" },
        note: "absent from 4.20.1, present in 5.2.1; 5.1 unverified",
      },
    ],
    explanation: "An ICMPv6 error's destination differs from the source of the packet it quotes.",
    hint: "Spoofed ICMPv6 errors, or NAT that rewrote only the outer header.",
  },
  // --- SCTP (messages carry their own "nf_ct_sctp: " prefix) --------------------------------
  {
    id: "sctp.short",
    protocol: "sctp",
    formats: [{ text: "short packet", seen: EVERY_RECORDED, kernels: ALL }],
    explanation: "The packet is shorter than an SCTP common header.",
    hint: "Truncated or crafted packets.",
  },
  {
    id: "sctp.header",
    protocol: "sctp",
    formats: [{ text: "failed to read header", kernels: ALL }],
    explanation: "The SCTP header could not be made writable for the CRC check.",
    hint: "Memory pressure or malformed packets; rare.",
  },
  {
    id: "sctp.bad_crc",
    protocol: "sctp",
    formats: [{ text: "bad CRC", seen: EVERY_RECORDED, kernels: ALL }],
    explanation: "The SCTP CRC32c checksum is wrong (checked in PREROUTING when nf_conntrack_checksum=1).",
    hint: "Broken CRC offload (common with SCTP over tunnels or virtio), or corruption.",
  },
  {
    id: "sctp.basic_checks",
    protocol: "sctp",
    formats: [
      {
        text: "%s failed. chunk num %d, type %d, len %d flag %d",
        seen: ["6.12", "6.18"],
        params: ["check", "chunk", "type", "len", "flag"],
        kernels: { from: "6.3" },
        note: "a pr_debug before; absent from 6.2.1, present in 6.3.8",
      },
    ],
    explanation:
      "The chunk list is malformed: a chunk of length 0, or INIT/INIT-ACK/SHUTDOWN-COMPLETE/COOKIE chunks that are not alone or not first (len is printed in network byte order).",
    hint: "Crafted or corrupted SCTP packets, or a broken SCTP stack or middlebox.",
  },
  {
    id: "sctp.vtag",
    protocol: "sctp",
    formats: [
      {
        text: "verification tag check failed %x vs %x for dir %d",
        params: ["vtag", "expected", "dir"],
        kernels: { from: "6.3" },
        note: "absent from 6.2.1, present in 6.3.8",
      },
    ],
    explanation: "The packet's verification tag does not match the association's.",
    hint: "Stale packets of an old association, multi-homing paths conntrack did not see set up, or spoofing.",
  },
  {
    id: "sctp.invalid_state",
    protocol: "sctp",
    formats: [
      {
        text: "Invalid, old_state %d, dir %d, type %d",
        params: ["old_state", "dir", "type"],
        kernels: { from: "6.3" },
        note: "a pr_debug before; absent from 6.2.1, present in 6.3.8",
      },
    ],
    explanation: "The chunk type is not allowed in the association's current state.",
    hint: "Out-of-order chunks, lost conntrack state, or asymmetric paths.",
  },
  // --- DCCP (removed in 6.17; the error path's messages carry "nf_ct_dccp: ") ---------------
  {
    id: "dccp.short",
    protocol: "dccp",
    formats: [{ text: "short packet", kernels: { until: "4.20" } }],
    explanation: "The packet is shorter than a DCCP header.",
    hint: "Truncated or crafted packets.",
  },
  {
    id: "dccp.truncated",
    protocol: "dccp",
    formats: [{ text: "truncated/malformed packet", kernels: DCCP }],
    explanation: "The DCCP data offset is outside the packet.",
    hint: "Malformed or crafted packets.",
  },
  {
    id: "dccp.bad_checksum_coverage",
    protocol: "dccp",
    formats: [{ text: "bad checksum coverage", kernels: DCCP }],
    explanation: "The DCCP checksum coverage is larger than the packet.",
    hint: "Malformed or crafted packets.",
  },
  {
    id: "dccp.bad_checksum",
    protocol: "dccp",
    formats: [{ text: "bad checksum", kernels: DCCP }],
    explanation: "The DCCP checksum is wrong.",
    hint: "Corruption or broken offload.",
  },
  {
    id: "dccp.reserved_type",
    protocol: "dccp",
    formats: [{ text: "reserved packet type", kernels: DCCP }],
    explanation: "The DCCP packet type is reserved.",
    hint: "Crafted packets.",
  },
  {
    id: "dccp.short_sequence",
    protocol: "dccp",
    formats: [
      {
        text: "type lacks 48bit sequence numbers",
        kernels: { from: "6.4", until: "6.17", backports: ["5.4.286", "5.15.135", "6.1.119"] },
        note: "absent from 6.3.8, present in 6.4.6; absent from 5.10.89",
      },
    ],
    explanation:
      "The packet uses short (24-bit) sequence numbers (X=0) with a type that requires the extended 48-bit form.",
    hint: "Crafted packets, or a DCCP stack sending short sequence numbers where RFC 4340 forbids them.",
  },
  {
    id: "dccp.no_pickup",
    protocol: "dccp",
    formats: [{ text: "not picking up existing connection", kernels: DCCP }],
    explanation:
      "A mid-connection packet arrived without a tracked connection and nf_conntrack_dccp_loose=0.",
    hint: "Conntrack state lost (flush, failover) with loose pickup disabled.",
  },
  {
    id: "dccp.invalid_state_transition",
    protocol: "dccp",
    formats: [{ text: "invalid state transition", kernels: DCCP }],
    explanation: "The DCCP packet type is not allowed in the connection's state.",
    hint: "Out-of-order packets or lost state.",
  },
  {
    id: "dccp.invalid_packet",
    protocol: "dccp",
    formats: [
      { text: "invalid packet", kernels: { from: "4.19", until: "6.17" } },
      { text: "invalid packet ignored", kernels: { until: "4.19" } },
    ],
    explanation: "The DCCP packet was ignored as invalid in the connection's state.",
    hint: "Out-of-order packets or lost state.",
  },
  // GRE (47): the kernel's GRE tracker has no log_invalid call sites, so there is nothing to catalogue.
];

const byId = new Map<string, CatalogueEntry>(CATALOGUE.map((entry) => [entry.id, entry]));

export function catalogueEntry(id: string): CatalogueEntry | undefined {
  return byId.get(id);
}
