// journald: `journalctl -k -o json` entries of the current boot, resumed from a cursor.
// The reader asks for --cursor (inclusive) rather than --after-cursor: if the first entry is the
// saved one, it is skipped; if it is not, the saved entry is gone (journal rotated or vacuumed, or
// the host rebooted) and lines may be missing — which --after-cursor would hide.
// MESSAGE is a string, or an array of bytes when it is not valid UTF-8 or has control characters.
import { MalformedAnswer } from "../../errors.js";
import { shQuote } from "../../shell/quote.js";
import {
  CLOCK_HEADER,
  checkBootId,
  containsFilter,
  normalizeBootId,
  parseClock,
  splitFrame,
  type HostClock,
} from "./framing.js";
import type { JournaldPosition, ReadOptions, ReadOutcome, SourceItem, SourceOutputParser } from "./types.js";

const FIELDS = "MESSAGE,PRIORITY,SYSLOG_FACILITY,_BOOT_ID";

// journald cursors look like "s=…;i=…;b=…;m=…;t=…;x=…"; anything else is refused before it
// reaches a shell (it is shQuote'd as well).
const CURSOR = /^[A-Za-z0-9=;_-]{1,512}$/;

function checkCursor(cursor: string | null): string {
  if (cursor === null) return "";
  if (!CURSOR.test(cursor)) throw new MalformedAnswer(`not a journald cursor: ${JSON.stringify(cursor)}`);
  return cursor;
}

function script(from: JournaldPosition | null, options: ReadOptions, records: boolean): string {
  const cursor = checkCursor(from?.cursor ?? null);
  checkBootId(from?.boot_id ?? null);
  const until = options.until?.source === "journald" ? checkCursor(options.until.cursor) : "";
  const filter = containsFilter(options.contains);
  const select = records ? (cursor ? `--cursor="$NFD_CURSOR"` : "") : "-n 1";
  return `# nfdebug: kernel entries from journald${cursor ? " from a saved cursor" : ""}
${CLOCK_HEADER}
NFD_CURSOR=${cursor ? shQuote(cursor) : "''"}
NFD_UNTIL=${until ? shQuote(until) : "''"}
export NFD_CURSOR NFD_UNTIL
nfd_fields=
if journalctl --help 2>/dev/null | grep -q -e '--output-fields'; then nfd_fields=--output-fields=${FIELDS}; fi
{
  journalctl -k -o json --all --no-pager $nfd_fields ${select}
  printf 'X\\t%s\\n' "$?"
} | ${filter.env}awk -v records=${records ? 1 : 0} '
BEGIN { n = 0; done = 0; pending = "" }
/^X\\t/ { x = $0; next }
substr($0, 1, 1) != "{" { next }
{
  i = index($0, "\\"__CURSOR\\":\\""); c = substr($0, i + 12); c = substr(c, 1, index(c, "\\"") - 1)
  if (n++ == 0) print "S\\t" c
  if (done) next
  if (!records || ${filter.condition}) { print "R\\t" $0; pending = "" } else pending = c
  if (ENVIRON["NFD_UNTIL"] != "" && c == ENVIRON["NFD_UNTIL"]) done = 1
}
END { if (pending != "") print "C\\t" pending; if (x != "") print x }'
`;
}

/** Snippet printing the kernel entries after `from` (null: the current boot from its start). */
export function journaldReadScript(from: JournaldPosition | null, options: ReadOptions = {}): string {
  return script(from, options, true);
}

/** Snippet printing the newest kernel entry, whose cursor starts a window. */
export function journaldPositionScript(): string {
  return script(null, {}, false);
}

interface JournalEntry {
  __CURSOR?: string;
  __REALTIME_TIMESTAMP?: string;
  MESSAGE?: string | number[] | null;
  PRIORITY?: string;
  SYSLOG_FACILITY?: string;
  _BOOT_ID?: string;
}

function bootOfCursor(cursor: string): string | null {
  return /(?:^|;)b=([0-9a-f]{32})(?:;|$)/.exec(cursor)?.[1] ?? null;
}

function messageText(message: JournalEntry["MESSAGE"]): string | null {
  if (typeof message === "string") return message;
  if (Array.isArray(message)) return Buffer.from(message).toString("utf8");
  return null;
}

export class JournaldOutputParser implements SourceOutputParser {
  private clock: HostClock | null = null;
  private cursor: string | null;
  private bootId: string | null;
  private skipCursor: string | null = null;
  private ended = false;
  private sawExit = false;
  private readonly warnings: string[] = [];
  private lost: number | null = 0;
  private items = 0;

  /** `positionOnly`: the output of journaldPositionScript (no items, only the newest cursor). */
  constructor(
    private readonly from: JournaldPosition | null,
    private readonly options: ReadOptions & { positionOnly?: boolean } = {},
  ) {
    this.cursor = from?.cursor ?? null;
    this.bootId = from?.boot_id ?? null;
  }

  push(line: string): SourceItem | null {
    const frame = splitFrame(line);
    if (!frame) return null;
    switch (frame.tag) {
      case "H":
        this.clock = parseClock(frame.fields);
        return null;
      case "S":
        this.start(frame.fields[0]);
        return null;
      case "R":
        return this.entry(line.slice(2));
      case "C":
        this.advance(frame.fields[0]);
        return null;
      case "X":
        this.sawExit = true;
        if (frame.fields[0] !== "0") this.warnings.push(`journalctl failed (exit status ${frame.fields[0]})`);
        return null;
      default:
        return null;
    }
  }

  private start(first: string): void {
    const saved = this.from?.cursor;
    if (!saved || this.options.positionOnly) return;
    if (first === saved) {
      this.skipCursor = saved;
      return;
    }
    this.lost = null;
    // A cursor names its entry's boot ("b=…"): a different boot than the saved entry's is a reboot.
    const savedBoot = bootOfCursor(saved);
    const firstBoot = bootOfCursor(first);
    if (savedBoot && firstBoot && savedBoot !== firstBoot) {
      this.warnings.push(
        `the host rebooted since the saved position (boot ${this.from.boot_id}); reading the current boot's entries from the start`,
      );
    } else {
      this.warnings.push(
        "the saved journald cursor is no longer in the journal (rotated or vacuumed); entries may be missing",
      );
    }
  }

  private advance(cursor: string): void {
    if (this.ended) return;
    this.cursor = cursor;
    if (this.options.until?.source === "journald" && cursor === this.options.until.cursor) this.ended = true;
  }

  private entry(json: string): SourceItem | null {
    let entry: JournalEntry;
    try {
      entry = JSON.parse(json) as JournalEntry;
    } catch {
      this.warnings.push("journalctl printed an entry that is not JSON; skipped");
      return null;
    }
    const cursor = entry.__CURSOR ?? null;
    if (this.ended || cursor === null) return null;
    if (entry._BOOT_ID) this.bootId = normalizeBootId(entry._BOOT_ID);
    this.advance(cursor);
    if (this.options.positionOnly || cursor === this.skipCursor) return null;
    const message = messageText(entry.MESSAGE);
    if (message === null) return null;
    const usec = Number(entry.__REALTIME_TIMESTAMP);
    const priority = Number(entry.PRIORITY);
    const facility = Number(entry.SYSLOG_FACILITY);
    this.items++;
    return {
      pos: cursor,
      time: Number.isFinite(usec) ? new Date(usec / 1000).toISOString() : null,
      message,
      priority: entry.PRIORITY !== undefined && Number.isInteger(priority) ? priority : null,
      facility: entry.SYSLOG_FACILITY !== undefined && Number.isInteger(facility) ? facility : null,
    };
  }

  finish(): ReadOutcome {
    if (!this.sawExit)
      throw new MalformedAnswer("the journald reader's output is incomplete (no exit status line)");
    if (this.from?.cursor && !this.options.positionOnly && this.skipCursor === null && this.lost === 0) {
      // Not even the saved entry came back: it is gone, and so may be what followed it.
      this.lost = null;
      this.warnings.push(
        "the saved journald cursor is no longer in the journal (rotated or vacuumed); entries may be missing",
      );
    }
    return {
      position: {
        source: "journald",
        boot_id: this.bootId ?? this.clock?.bootId ?? null,
        cursor: this.cursor,
      },
      lost: this.lost,
      warnings: this.warnings,
      items: this.items,
    };
  }
}
