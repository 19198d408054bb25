// tcpdump's counters, as it prints them on stderr when it exits ("6 packets captured", "6 packets
// received by filter", "0 packets dropped by kernel"), kept in the window's capture.err.

export interface TcpdumpCounters {
  captured: number;
  received: number;
  dropped_by_kernel: number;
}

const COUNTERS: Record<string, keyof TcpdumpCounters> = {
  captured: "captured",
  "received by filter": "received",
  "dropped by kernel": "dropped_by_kernel",
};

/** Null while tcpdump runs (it prints them at exit only) or when it printed none. */
export function parseTcpdumpCounters(stderr: string): TcpdumpCounters | null {
  const found: Partial<TcpdumpCounters> = {};
  for (const line of stderr.split("\n")) {
    const m = /^(\d+) packets? (captured|received by filter|dropped by kernel)$/.exec(line.trim());
    if (m) found[COUNTERS[m[2]]] = Number(m[1]);
  }
  if (found.captured === undefined) return null;
  return {
    captured: found.captured,
    received: found.received ?? 0,
    dropped_by_kernel: found.dropped_by_kernel ?? 0,
  };
}
