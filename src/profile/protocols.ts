// Layer-4 protocol names accepted by log_invalid, and the numbers the kernel wants.

export const PROTOCOL_NUMBERS: Readonly<Record<string, number>> = {
  off: 0,
  icmp: 1,
  tcp: 6,
  udp: 17,
  dccp: 33,
  gre: 47,
  icmpv6: 58,
  sctp: 132,
  udplite: 136,
  all: 255,
};

/** 0..255 for a valid log_invalid value (name or number), else undefined. */
export function protocolNumber(value: string | number): number | undefined {
  if (typeof value === "number")
    return Number.isInteger(value) && value >= 0 && value <= 255 ? value : undefined;
  return Object.hasOwn(PROTOCOL_NUMBERS, value) ? PROTOCOL_NUMBERS[value] : undefined;
}

/** The name a report should use for a protocol number ("tcp"), or the number as text. */
export function protocolName(value: number): string {
  return Object.entries(PROTOCOL_NUMBERS).find(([, n]) => n === value)?.[0] ?? String(value);
}

const L4_LABELS: Readonly<Record<number, string>> = {
  1: "ICMP",
  6: "TCP",
  17: "UDP",
  33: "DCCP",
  47: "GRE",
  58: "ICMPv6",
  132: "SCTP",
  136: "UDP-Lite",
};

/** A protocol number as people write it: 6 → "TCP", 99 → "protocol 99". */
export function protocolLabel(l4proto: number): string {
  return L4_LABELS[l4proto] ?? `protocol ${l4proto}`;
}
