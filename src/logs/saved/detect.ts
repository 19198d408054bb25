// Which format a saved log is in, from its first lines: each format's own record shape is tried
// on up to 50 lines, and the one that reads most of them wins (ties go to the stricter format).
import { LINE_FORMATS, lineReader, type LineFormat, type SavedFormat } from "./lineFormats.js";

const SAMPLE_LINES = 50;
// journalctl's short formats open with "-- Logs begin at …" / "-- Journal begins at …" / "-- Boot …".
const JOURNAL_BANNER = /^-- (Logs begin|Journal begins|Boot |No entries|Reboot)/;

export interface Detection {
  format: SavedFormat;
  /** Lines of the sample each candidate read, for the "chosen because" message. */
  read: number;
  sampled: number;
}

export function detectFormat(sample: string): Detection {
  const lines = sample
    .split("\n")
    // Lines starting with a blank continue a record (kmsg's dictionary, dmesg's indented rest).
    .filter((l) => l.trim() !== "" && !/^\s/.test(l) && !JOURNAL_BANNER.test(l))
    .slice(0, SAMPLE_LINES);
  // The last line of a sample may be cut in the middle.
  if (lines.length > 1 && !sample.endsWith("\n")) lines.pop();
  if (lines.length > 0 && /^__(CURSOR|REALTIME_TIMESTAMP|MONOTONIC_TIMESTAMP)=/.test(lines[0]))
    return { format: "journal-export", read: lines.length, sampled: lines.length };
  let best: Detection = { format: "cat", read: lines.length, sampled: lines.length };
  // "cat" reads every line, so it is the fallback and never a candidate.
  const candidates: LineFormat[] = LINE_FORMATS.filter((f) => f !== "cat");
  let bestRead = 0;
  for (const format of candidates) {
    const read = lineReader(format, new Date());
    const count = lines.filter((l) => read(l) !== null && strictlyMatches(format, l)).length;
    if (count > bestRead) {
      bestRead = count;
      best = { format, read: count, sampled: lines.length };
    }
  }
  // A format has to read at least half of the sample to be taken over bare messages.
  return bestRead * 2 >= lines.length && bestRead > 0
    ? best
    : { format: "cat", read: lines.length, sampled: lines.length };
}

// dmesg's reader takes any line not starting with a blank as a message without a stamp; for
// detection, only lines with one of its stamps count.
function strictlyMatches(format: LineFormat, line: string): boolean {
  return format !== "dmesg" || /^(<\d{1,3}>|[a-z]+ *:[a-z]+ *: |\[|\d{4}-\d\d-\d\dT)/.test(line);
}
