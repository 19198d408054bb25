// One parsed kernel log line. Stable: written as JSON Lines, described by schemas/record.schema.json.

/**
 * The record schema's version (its $id, the manifest's `record_schema`, collect --json's). 2: the
 * TCP window is `tcp_window` (1 called it `window`), and `window_id`/`profile` name the debug window.
 */
export const RECORD_SCHEMA = 2;

export interface LogRecord {
  kind: "invalid" | "printk";
  host: string;
  /** ISO 8601 when the source gives wall time, else null. */
  time: string | null;
  /** Kernel log position (kmsg sequence number or journald cursor) when known. */
  log_pos?: string;
  l4proto: number | null;
  reason: string | null;
  /** Stable id from src/logs/catalogue.ts, or "unknown". */
  reason_id: string;
  in: string | null;
  out: string | null;
  mac: string | null;
  src: string | null;
  dst: string | null;
  proto: string | null;
  sport: number | null;
  dport: number | null;
  /** TCP flags in the kernel's order (AE CWR ECE URG ACK PSH RST SYN FIN); IP flags are in ip_flags. */
  flags: string[];
  len: number | null;
  /** IPv4 TTL or IPv6 HOPLIMIT. */
  ttl: number | null;
  /** TCP sequence number. */
  seq: number | null;
  ack: number | null;
  /** TCP window (WINDOW=); `window` in record schema 1. */
  tcp_window: number | null;
  mark: string | null;
  icmp_type: number | null;
  icmp_code: number | null;
  raw: string;

  // Additive fields (optional in the type so older producers stay valid; the parser always sets them).
  /** Parameters captured from the reason text by the catalogue (index, dir, state, bound, ...). */
  details?: Record<string, string | number> | null;
  family?: "ipv4" | "ipv6" | null;
  physin?: string | null;
  physout?: string | null;
  /** IPv4 header flags among CE, DF, MF; for IPv6, MF when the fragment header says more follow. */
  ip_flags?: string[];
  /** Fragment offset (IPv4 FRAG:, IPv6 fragment header), when the packet is a fragment. */
  frag?: number | null;
  /** IPv4 ID, or the IPv6 fragment identification. */
  ip_id?: number | null;
  /** IPv4 TOS or IPv6 traffic class. */
  tos?: number | null;
  /** UDP/UDP-Lite header length field. */
  l4_len?: number | null;
  /** TCP options as the kernel prints them (hex), when logged. */
  tcp_opt?: string | null;
  /** ICMP/ICMPv6 specifics: echo id/seq, parameter-problem pointer, redirect gateway, MTU. */
  icmp?: IcmpDetails | null;
  /** The packet quoted inside an ICMP error (between [ and ]); its addresses never replace the outer ones. */
  inner?: InnerPacket | null;
  uid?: number | null;
  gid?: number | null;
  /** Bytes the kernel reported for a packet too short to decode ("INCOMPLETE [n bytes]"). */
  incomplete?: number | null;
  /** The kernel printed TRUNCATED, or the line ends before the packet dump does. */
  truncated?: boolean;
  /** The line has no "IN=" (shortened by a person or a mail client): decoded from its first dump key. */
  abridged?: boolean;
  /** For kind "printk": where the message came from, when known. */
  printk?: PrintkOrigin | null;
  /**
   * What produced the record: "nflog" for a packet captured from an NFLOG group (src/capture).
   * Absent on records parsed from kernel log lines (kept out of them so that their fingerprints,
   * test/fixtures/logs/parse-golden.txt, stay those of every earlier release): absent means "log".
   */
  source?: "log" | "nflog";
  /**
   * The debug window the record was collected in, and its profile's name (collect, runbooks).
   * Absent on records of saved logs (`nfdebug parse`): they belong to no window. The profile is
   * absent too when the host no longer knows it.
   */
  window_id?: string;
  profile?: string;
}

export interface IcmpDetails {
  id?: number;
  seq?: number;
  parameter?: number;
  /** ICMPv6 parameter-problem pointer (the kernel prints it in hex). */
  pointer?: number;
  gateway?: string;
  mtu?: number;
}

export interface InnerPacket {
  family: "ipv4" | "ipv6" | null;
  src: string | null;
  dst: string | null;
  proto: string | null;
  sport: number | null;
  dport: number | null;
  len: number | null;
  flags: string[];
  icmp_type: number | null;
  icmp_code: number | null;
  truncated: boolean;
}

export interface PrintkOrigin {
  module: string | null;
  func: string | null;
  file: string | null;
  line: number | null;
  /** Thread id the kernel prefixed ("t" flag); null in interrupt context or when not shown. */
  tid: number | null;
  /** The site's format string, when the message was matched against the control file. */
  format: string | null;
}
