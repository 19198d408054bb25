// Byte sizes as users write them: 64MiB, 16M, 512KiB, 1G, 1048576. Binary units: "M" and "MB" mean
// MiB here, as they do for ssh, dd and sort.

const UNIT_BYTES: Record<string, number> = { "": 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 };
const SIZE = /^(\d+)\s*(?:([kmg])(?:i?b)?|b)?$/i;

/** Bytes, or undefined when the text is not a size. "0" is not a size. */
export function parseSize(text: string): number | undefined {
  const match = SIZE.exec(text.trim());
  if (!match) return undefined;
  const bytes = Number(match[1]) * UNIT_BYTES[(match[2] ?? "").toLowerCase()];
  return bytes > 0 && Number.isSafeInteger(bytes) ? bytes : undefined;
}

/** 16777216 → "16 MiB"; sizes that are not a whole number of a unit keep one decimal. */
export function formatSize(bytes: number): string {
  for (const [unit, size] of [
    ["GiB", 1024 ** 3],
    ["MiB", 1024 ** 2],
    ["KiB", 1024],
  ] as const) {
    if (bytes >= size) {
      const n = bytes / size;
      return `${Number.isInteger(n) ? n : n.toFixed(1)} ${unit}`;
    }
  }
  return `${bytes} bytes`;
}

/** The same size as --max-output and friends accept it back: 16777216 → "16MiB". */
export function sizeArgument(bytes: number): string {
  for (const [unit, size] of [
    ["GiB", 1024 ** 3],
    ["MiB", 1024 ** 2],
    ["KiB", 1024],
  ] as const) {
    if (bytes % size === 0) return `${bytes / size}${unit}`;
  }
  return String(bytes);
}
