// Big-endian copies of the little-endian fixtures, as a big-endian host would have written them:
// every header field swapped, and the DLT_NFLOG TLV headers too (they are in the capturing host's
// order; the values are in network order and stay). This machine is little-endian, so a real
// big-endian capture cannot be recorded here; tshark reading the copy checks the swap.
const NFLOG = 239;

function swap(b: Uint8Array, at: number, size: 2 | 4 | 8): void {
  b.subarray(at, at + size).reverse();
}

function swapNflog(b: Uint8Array, from: number, to: number): void {
  const view = new DataView(b.buffer, b.byteOffset);
  for (let at = from + 4; at + 4 <= to;) {
    const length = view.getUint16(at, true);
    swap(b, at, 2);
    swap(b, at + 2, 2);
    if (length < 4) break;
    at += (length + 3) & ~3;
  }
}

export function swapPcap(input: Uint8Array): Uint8Array {
  const b = Uint8Array.from(input);
  const view = new DataView(b.buffer);
  const linkType = view.getUint32(20, true);
  for (const [at, size] of [
    [0, 4],
    [4, 2],
    [6, 2],
    [8, 4],
    [12, 4],
    [16, 4],
    [20, 4],
  ] as const)
    swap(b, at, size);
  for (let at = 24; at + 16 <= b.length;) {
    const incl = view.getUint32(at + 8, true);
    for (let k = 0; k < 16; k += 4) swap(b, at + k, 4);
    if (linkType === NFLOG) swapNflog(b, at + 16, Math.min(b.length, at + 16 + incl));
    at += 16 + incl;
  }
  return b;
}

/** Options: code and length swapped; the numeric ones this test's files carry, too. */
function swapOptions(b: Uint8Array, from: number, to: number, numeric: ReadonlyMap<number, 2 | 4 | 8>): void {
  const view = new DataView(b.buffer, b.byteOffset);
  for (let at = from; at + 4 <= to;) {
    const code = view.getUint16(at, true);
    const length = view.getUint16(at + 2, true);
    swap(b, at, 2);
    swap(b, at + 2, 2);
    if (code === 0) break;
    const size = numeric.get(code);
    if (size !== undefined && length === size) swap(b, at + 4, size);
    at += 4 + ((length + 3) & ~3);
  }
}

/** SHB, IDB and EPB swapped; other blocks (statistics, name resolution) left out of the copy. */
export function swapPcapng(input: Uint8Array): Uint8Array {
  const src = new DataView(input.buffer, input.byteOffset, input.byteLength);
  const parts: Uint8Array[] = [];
  const linkTypes: number[] = [];
  for (let at = 0; at + 12 <= input.length;) {
    const type = src.getUint32(at, true);
    const length = src.getUint32(at + 4, true);
    const block = Uint8Array.from(input.subarray(at, at + length));
    const view = new DataView(block.buffer);
    at += length;
    if (type !== 0x0a0d0d0a && type !== 1 && type !== 6) continue;
    swap(block, 0, 4);
    swap(block, 4, 4);
    swap(block, length - 4, 4);
    if (type === 0x0a0d0d0a) {
      swap(block, 8, 4);
      swap(block, 12, 2);
      swap(block, 14, 2);
      swap(block, 16, 8);
      swapOptions(block, 24, length - 4, new Map());
    } else if (type === 1) {
      linkTypes.push(view.getUint16(8, true));
      swap(block, 8, 2);
      swap(block, 10, 2);
      swap(block, 12, 4);
      swapOptions(
        block,
        16,
        length - 4,
        new Map([
          [8, 8],
          [14, 8],
        ]),
      );
    } else {
      const id = view.getUint32(8, true);
      const captured = view.getUint32(20, true);
      for (let k = 8; k < 28; k += 4) swap(block, k, 4);
      if (linkTypes[id] === NFLOG) swapNflog(block, 28, 28 + captured);
      swapOptions(
        block,
        28 + ((captured + 3) & ~3),
        length - 4,
        new Map([
          [2, 4],
          [4, 8],
        ]),
      );
    }
    parts.push(block);
  }
  return new Uint8Array(Buffer.concat(parts));
}
