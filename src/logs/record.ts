// One parsed kernel log line. Stable: written as JSON Lines, described by schemas/record.schema.json.

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
  flags: string[];
  len: number | null;
  ttl: number | null;
  /** TCP sequence number. */
  seq: number | null;
  ack: number | null;
  window: number | null;
  mark: string | null;
  icmp_type: number | null;
  icmp_code: number | null;
  raw: string;
}
