// A record's flags are one of a few sequences ("ACK", "ACK PSH", "DF", ...): each sequence seen is
// kept as one frozen array that every record with it shares, found by a number made of the flags'
// indexes (base 16, first flag highest), instead of an array grown flag by flag for every record.
// Both dump decoders (packet-dump.ts, canonical-dump.ts) code flags this way.

/**
 * No flags: one frozen array every record without flags shares. Code that builds a record's flags
 * assigns a new array; none pushes onto a record's.
 */
export const NO_FLAGS = Object.freeze([]) as unknown as string[];

/** How many flags a coded sequence holds: 12 base-16 digits stay an exact integer. */
export const MAX_CODED_FLAGS = 12;
const MAX_SHARED_SEQUENCES = 4096;
const sharedFlags = [new Map<number, readonly string[]>(), new Map<number, readonly string[]>()];

/** Adds flag `index` (of its names) to a coded sequence; -1 when it no longer fits. */
export function flagCode(sequence: number, index: number): number {
  return sequence >= 16 ** (MAX_CODED_FLAGS - 1) ? -1 : sequence * 16 + index + 1;
}

/** The flags of a coded sequence, named from `names` (TCP_FLAGS, or IP_FLAGS with `ip` 1). */
export function flagsOf(sequence: number, names: readonly string[], ip: number): string[] {
  const known = sharedFlags[ip].get(sequence);
  if (known) return known as string[];
  const flags: string[] = [];
  for (let rest = sequence; rest > 0; rest = Math.floor(rest / 16)) flags.unshift(names[(rest % 16) - 1]);
  if (sharedFlags[ip].size < MAX_SHARED_SEQUENCES) sharedFlags[ip].set(sequence, Object.freeze(flags));
  return flags;
}
