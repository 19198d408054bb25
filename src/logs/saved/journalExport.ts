// journalctl -o export: entries of "FIELD=value\n" lines ended by an empty line; a field whose
// value holds a newline or binary data is "FIELD\n", its size as a little-endian u64, the bytes,
// then "\n" (systemd's JOURNAL_EXPORT_FORMATS). Read from a byte stream, one entry at a time.

/** Fields of one entry; binary values are decoded as UTF-8, as journalctl -o json would show them. */
export type JournalEntry = Record<string, string>;

const NEWLINE = 10;

export async function* journalExportEntries(chunks: AsyncIterable<Buffer>): AsyncGenerator<JournalEntry> {
  let buffer: Buffer = Buffer.alloc(0);
  let at = 0;
  let entry: JournalEntry = {};
  let fields = 0;
  for await (const chunk of chunks) {
    buffer = at < buffer.length ? Buffer.concat([buffer.subarray(at), chunk]) : chunk;
    at = 0;
    for (;;) {
      const eol = buffer.indexOf(NEWLINE, at);
      if (eol < 0) break;
      if (eol === at) {
        // The empty line that ends an entry.
        if (fields > 0) yield entry;
        entry = {};
        fields = 0;
        at = eol + 1;
        continue;
      }
      const eq = buffer.indexOf(0x3d, at);
      if (eq >= 0 && eq < eol) {
        entry[buffer.toString("latin1", at, eq)] = buffer.toString("utf8", eq + 1, eol);
        fields++;
        at = eol + 1;
        continue;
      }
      // A binary field: name, newline, u64 size, data, newline.
      if (buffer.length < eol + 9) break;
      const size = Number(buffer.readBigUInt64LE(eol + 1));
      const end = eol + 9 + size;
      if (buffer.length < end + 1) break;
      entry[buffer.toString("latin1", at, eol)] = buffer.toString("utf8", eol + 9, end);
      fields++;
      at = end + 1;
    }
  }
  if (fields > 0) yield entry;
}
