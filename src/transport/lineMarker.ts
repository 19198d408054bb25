// Where a marker line (a line that is exactly `line`) ends in a script's output: at the very
// start of the output, or after a newline. Searched for "\n" + line + "\n" in the output with a
// newline in front, both in a whole text and, incrementally, in bytes as they arrive.

/** Where the output after the first marker line starts, or -1 while there is none. */
export function afterMarkerLine(text: string, line: string): number {
  const marker = `${line}\n`;
  if (text.startsWith(marker)) return marker.length;
  const at = text.indexOf(`\n${marker}`);
  return at < 0 ? -1 : at + 1 + marker.length;
}

/**
 * The same search over a byte stream, looking only at each new chunk and the few bytes before it
 * (marker length - 1): rescanning all output on every chunk is quadratic, and a host that answers
 * with megabytes of junk made the controller spend minutes on it. The marker is ASCII, so it can
 * be searched in UTF-8 bytes without decoding them.
 */
export class LineMarkerScan {
  private readonly marker: Buffer;
  /** The last marker.length - 1 bytes of the stream, with a virtual newline before the first. */
  private tail = Buffer.from("\n");
  /** Stream offset of tail[0] (-1: the virtual newline). */
  private tailStart = -1;
  private found = -1;

  constructor(line: string) {
    this.marker = Buffer.from(`\n${line}\n`);
  }

  /** Feeds the next chunk; returns the stream offset just past the first marker line, or -1. */
  push(chunk: Buffer): number {
    if (this.found >= 0 || chunk.length === 0) return this.found;
    const overlap = this.marker.length - 1;
    const chunkStart = this.tailStart + this.tail.length;
    // A marker that starts in the tail ends within the chunk's first marker.length - 1 bytes, and
    // comes before any marker lying wholly in the chunk.
    const seam = Buffer.concat([this.tail, chunk.subarray(0, overlap)]);
    const acrossSeam = seam.indexOf(this.marker);
    if (acrossSeam >= 0) return (this.found = this.tailStart + acrossSeam + this.marker.length);
    const inChunk = chunk.indexOf(this.marker);
    if (inChunk >= 0) return (this.found = chunkStart + inChunk + this.marker.length);
    // A copy, so that the chunk itself is not kept alive by the tail.
    const joined = chunk.length >= overlap ? chunk : Buffer.concat([this.tail, chunk]);
    this.tail = Buffer.from(joined.subarray(joined.length - Math.min(overlap, joined.length)));
    this.tailStart = chunkStart + chunk.length - this.tail.length;
    return -1;
  }
}
