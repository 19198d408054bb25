// journald: `journalctl -k -o json` entries of the current boot, resumed from a cursor.
// The reader asks for --cursor (inclusive) rather than --after-cursor: if the first entry is the
// saved one, it is skipped; if it is not, the saved entry is gone (journal rotated or vacuumed, or
// the host rebooted) and lines may be missing — which --after-cursor would hide.
// MESSAGE is a string, or an array of bytes when it is not valid UTF-8 or has control characters.
import { quickJournalFields, type JournalFields } from "./journalJson.js";
import { MalformedAnswer } from "../../errors.js";
import { parseFrame } from "../../shell/frame.js";
import { call } from "../../shell/quote.js";
import {
  checkBootId,
  isoTime,
  normalizeBootId,
  parseClock,
  sourceScript,
  type HostClock,
} from "./framing.js";
import type { JournaldPosition, ReadOptions, ReadOutcome, SourceItem, SourceOutputParser } from "./types.js";

export const JOURNALD_SH = new URL("./journald.sh", import.meta.url);

// journald cursors look like "s=…;i=…;b=…;m=…;t=…;x=…"; anything else is refused before it
// reaches a shell (it is quoted as well).
const CURSOR = /^[A-Za-z0-9=;_-]{1,512}$/;

function checkCursor(cursor: string | null): string {
  if (cursor === null) return "";
  if (!CURSOR.test(cursor)) throw new MalformedAnswer(`not a journald cursor: ${JSON.stringify(cursor)}`);
  return cursor;
}

function readCall(from: JournaldPosition | null, options: ReadOptions, records: boolean): string {
  const cursor = checkCursor(from?.cursor ?? null);
  checkBootId(from?.boot_id ?? null);
  const until = options.until?.source === "journald" ? checkCursor(options.until.cursor) : "";
  const args = [records ? 1 : 0, cursor, until, ...(options.contains ?? [])];
  return call("nfd_journald_read", ...args);
}

/** Script printing the kernel entries after `from` (null: the current boot from its start). */
export function journaldReadScript(from: JournaldPosition | null, options: ReadOptions = {}): string {
  return sourceScript(JOURNALD_SH, readCall(from, options, true));
}

/** nfd_journald_read printing the newest kernel entry, whose cursor starts a window. */
export function journaldPositionCall(): string {
  return readCall(null, {}, false);
}

function bootOfCursor(cursor: string): string | null {
  return /(?:^|;)b=([0-9a-f]{32})(?:;|$)/.exec(cursor)?.[1] ?? null;
}

export function messageText(message: string | number[] | null | undefined): string | null {
  if (typeof message === "string") return message;
  if (Array.isArray(message)) return Buffer.from(message).toString("utf8");
  return null;
}

export class JournaldOutputParser implements SourceOutputParser {
  private clock: HostClock | null = null;
  private cursor: string | null;
  private bootId: string | null;
  /** The last _BOOT_ID as journalctl printed it (the same on every entry of a boot). */
  private rawBootId: string | undefined;
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
    const frame = parseFrame(line);
    if (!frame) return null;
    switch (frame.tag) {
      case "clock":
        this.clock = parseClock(frame.fields);
        return null;
      case "firstcursor":
        this.start(frame.fields[0]);
        return null;
      case "R":
        return this.entry(frame.fields[0]);
      case "cursor":
        this.advance(frame.fields[0]);
        return null;
      case "exit":
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
    let entry = quickJournalFields(json);
    try {
      entry ??= JSON.parse(json) as JournalFields;
    } catch {
      this.warnings.push("journalctl printed an entry that is not JSON; skipped");
      return null;
    }
    const cursor = entry.__CURSOR ?? null;
    if (this.ended || cursor === null) return null;
    if (entry._BOOT_ID && entry._BOOT_ID !== this.rawBootId) {
      this.rawBootId = entry._BOOT_ID;
      this.bootId = normalizeBootId(entry._BOOT_ID);
    }
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
      time: Number.isFinite(usec) ? isoTime(usec / 1000) : null,
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
