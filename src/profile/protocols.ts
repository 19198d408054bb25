// The names log_invalid accepts, and the numbers the kernel wants: off, all and the L4 protocols.
import { L4PROTO } from "../protocols.js";

export const PROTOCOL_NUMBERS: Readonly<Record<string, number>> = { off: 0, ...L4PROTO, all: 255 };

/** 0..255 for a valid log_invalid value (name or number), else undefined. */
export function protocolNumber(value: string | number): number | undefined {
  if (typeof value === "number")
    return Number.isInteger(value) && value >= 0 && value <= 255 ? value : undefined;
  return Object.hasOwn(PROTOCOL_NUMBERS, value) ? PROTOCOL_NUMBERS[value] : undefined;
}
