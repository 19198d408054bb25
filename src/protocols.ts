// The layer-4 protocols conntrack tracks: the kernel's numbers, the names nfdebug uses for them
// (profiles, reason ids, log tags) and how reports print them. The one table of them.

const L4_PROTOCOLS = {
  icmp: { number: 1, label: "ICMP" },
  tcp: { number: 6, label: "TCP" },
  udp: { number: 17, label: "UDP" },
  dccp: { number: 33, label: "DCCP" },
  gre: { number: 47, label: "GRE" },
  icmpv6: { number: 58, label: "ICMPv6" },
  sctp: { number: 132, label: "SCTP" },
  udplite: { number: 136, label: "UDP-Lite" },
} as const;

export type Protocol = keyof typeof L4_PROTOCOLS;

/** Name → IP protocol number, e.g. tcp → 6. */
export const L4PROTO: Readonly<Record<Protocol, number>> = Object.freeze(
  Object.fromEntries(Object.entries(L4_PROTOCOLS).map(([name, p]) => [name, p.number])) as Record<
    Protocol,
    number
  >,
);

function byNumber(l4proto: number): Protocol | undefined {
  for (const [name, p] of Object.entries(L4_PROTOCOLS)) if (p.number === l4proto) return name as Protocol;
  return undefined;
}

/** The name of an IP protocol number ("tcp"), when conntrack tracks it. */
export function l4ProtocolName(l4proto: number): Protocol | undefined {
  return byNumber(l4proto);
}

/** How a report prints an IP protocol number ("TCP", "UDP-Lite"), when conntrack tracks it. */
export function l4ProtocolLabel(l4proto: number): string | undefined {
  const name = byNumber(l4proto);
  return name === undefined ? undefined : L4_PROTOCOLS[name].label;
}
