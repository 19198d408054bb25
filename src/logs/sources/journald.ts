// journald: `journalctl -k -o export` entries of the current boot, resumed from a cursor, sent as
// E frames (R frames with the entry's JSON for a message the export format writes as binary).
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

function integerField(value: string | undefined): number | null {
  if (value === undefined || value === "") return null;
  const n = Number(value);
  return Number.isInteger(n) ? n : null;
}

export class JournaldOutputParser implements SourceOutputParser {
  private clock: HostClock | null = null;
  private cursor: string | null;
  private readonly bootId: string | null;
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
      case "E": {
        const [cursor, usec, priority, facility, message] = frame.fields;
        return this.item(cursor, usec, message, priority, facility);
      }
      case "R":
        return this.jsonEntry(frame.fields[0]);
      case "warn":
        if (frame.fields[0] === "journal_entry_unread")
          this.warnings.push(
            `journalctl did not print the entry at ${frame.fields[1]} again as JSON; skipped`,
          );
        return null;
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

  private jsonEntry(json: string): SourceItem | null {
    let entry = quickJournalFields(json);
    try {
      entry ??= JSON.parse(json) as JournalFields;
    } catch {
      this.warnings.push("journalctl printed an entry that is not JSON; skipped");
      return null;
    }
    const cursor = entry.__CURSOR ?? null;
    if (cursor === null) return null;
    return this.item(
      cursor,
      entry.__REALTIME_TIMESTAMP,
      messageText(entry.MESSAGE),
      entry.PRIORITY,
      entry.SYSLOG_FACILITY,
    );
  }

  private item(
    cursor: string,
    realtimeUsec: string | undefined,
    message: string | null,
    priority: string | undefined,
    facility: string | undefined,
  ): SourceItem | null {
    if (this.ended) return null;
    this.advance(cursor);
    if (this.options.positionOnly || cursor === this.skipCursor) return null;
    if (message === null) return null;
    const usec = realtimeUsec ? Number(realtimeUsec) : NaN;
    this.items++;
    return {
      pos: cursor,
      time: Number.isFinite(usec) ? isoTime(usec / 1000) : null,
      message,
      priority: integerField(priority),
      facility: integerField(facility),
    };
  }

  private lastBoot(): string | null {
    const boot = this.cursor ? bootOfCursor(this.cursor) : null;
    return boot ? normalizeBootId(boot) : null;
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
        // The boot of the last entry read (its cursor names it), else the saved one's.
        boot_id: this.lastBoot() ?? this.bootId ?? this.clock?.bootId ?? null,
        cursor: this.cursor,
      },
      lost: this.lost,
      warnings: this.warnings,
      items: this.items,
    };
  }
}
