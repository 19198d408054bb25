// A record decoded from a captured packet, written as a kernel log line would show it: the NFLOG
// prefix, then "IN=… OUT=… MAC=… SRC=… DST=… LEN=… …" in nf_log_syslog's order (DOMAIN.md §7).
// Readable next to log-backed records, and greppable the same way; not a byte-exact kernel line.
import type { FullRecord } from "../logs/parse.js";
import type { InnerPacket } from "../logs/record.js";

function field(parts: string[], key: string, value: string | number | null | undefined): void {
  if (value !== null && value !== undefined) parts.push(`${key}=${value}`);
}

function hex2(n: number): string {
  return `0x${n.toString(16).toUpperCase().padStart(2, "0")}`;
}

function describeInner(inner: InnerPacket): string {
  const parts: string[] = [];
  field(parts, "SRC", inner.src);
  field(parts, "DST", inner.dst);
  field(parts, "LEN", inner.len);
  field(parts, "PROTO", inner.proto);
  field(parts, "SPT", inner.sport);
  field(parts, "DPT", inner.dport);
  parts.push(...inner.flags);
  field(parts, "TYPE", inner.icmp_type);
  field(parts, "CODE", inner.icmp_code);
  if (inner.truncated) parts.push("TRUNCATED");
  return `[${parts.join(" ")}]`;
}

export function describeRecord(prefix: string, r: FullRecord): string {
  const parts: string[] = [`IN=${r.in ?? ""}`, `OUT=${r.out ?? ""}`];
  field(parts, "PHYSIN", r.physin);
  field(parts, "PHYSOUT", r.physout);
  field(parts, "MAC", r.mac);
  field(parts, "SRC", r.src);
  field(parts, "DST", r.dst);
  field(parts, "LEN", r.len);
  if (r.tos !== null) parts.push(r.family === "ipv6" ? `TC=${r.tos}` : `TOS=${hex2(r.tos)}`);
  field(parts, r.family === "ipv6" ? "HOPLIMIT" : "TTL", r.ttl);
  if (r.family === "ipv4") field(parts, "ID", r.ip_id);
  parts.push(...r.ip_flags);
  if (r.frag !== null) parts.push(`FRAG:${r.frag}`);
  if (r.family === "ipv6" && r.ip_id !== null) parts.push(`ID:${r.ip_id.toString(16).padStart(8, "0")}`);
  field(parts, "PROTO", r.proto);
  if (r.incomplete !== null) parts.push(`INCOMPLETE [${r.incomplete} bytes]`);
  field(parts, "SPT", r.sport);
  field(parts, "DPT", r.dport);
  field(parts, "SEQ", r.seq);
  field(parts, "ACK", r.ack);
  field(parts, "WINDOW", r.tcp_window);
  field(parts, "LEN", r.l4_len);
  parts.push(...r.flags);
  if (r.tcp_opt !== null) parts.push(`OPT (${r.tcp_opt})`);
  field(parts, "TYPE", r.icmp_type);
  field(parts, "CODE", r.icmp_code);
  field(parts, "ID", r.icmp?.id);
  field(parts, "SEQ", r.icmp?.seq);
  field(parts, "PARAMETER", r.icmp?.parameter);
  field(parts, "GATEWAY", r.icmp?.gateway);
  if (r.inner) parts.push(describeInner(r.inner));
  field(parts, "MTU", r.icmp?.mtu);
  if (r.truncated) parts.push("TRUNCATED");
  field(parts, "UID", r.uid);
  field(parts, "GID", r.gid);
  field(parts, "MARK", r.mark);
  return `${prefix.trimEnd()} ${parts.join(" ")}`.trimStart();
}
