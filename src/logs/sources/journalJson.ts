// The fields nfdebug reads from one `journalctl -o json` entry, without JSON.parse for the common
// shape. A collect reads millions of entries and JSON.parse of each (building every field of the
// object) was a third of the controller's CPU. journalctl prints a flat object of string values
// with no spaces; anything else (an escape in any value, a binary field printed as an array of
// bytes, a null, spaces) returns undefined and the caller parses the line in full.

export interface JournalFields {
  __CURSOR?: string;
  __REALTIME_TIMESTAMP?: string;
  _BOOT_ID?: string;
  MESSAGE?: string | number[] | null;
  PRIORITY?: string;
  SYSLOG_FACILITY?: string;
}

const WANTED = new Set([
  "__CURSOR",
  "__REALTIME_TIMESTAMP",
  "_BOOT_ID",
  "MESSAGE",
  "PRIORITY",
  "SYSLOG_FACILITY",
]);

const QUOTE = 34;
const COLON = 58;
const COMMA = 44;
const CLOSE = 125;

/** The wanted fields of a flat all-string entry, or undefined when it needs JSON.parse. */
export function quickJournalFields(json: string): JournalFields | undefined {
  if (json.charCodeAt(0) !== 123 || json.charCodeAt(json.length - 1) !== CLOSE) return undefined;
  // Without a backslash anywhere, every quote ends a key or a value.
  if (json.includes("\\")) return undefined;
  const fields: JournalFields = {};
  let i = 1;
  for (;;) {
    if (json.charCodeAt(i) !== QUOTE) return undefined;
    const keyEnd = json.indexOf('"', i + 1);
    if (keyEnd < 0 || json.charCodeAt(keyEnd + 1) !== COLON || json.charCodeAt(keyEnd + 2) !== QUOTE)
      return undefined;
    const valueStart = keyEnd + 3;
    const valueEnd = json.indexOf('"', valueStart);
    if (valueEnd < 0) return undefined;
    const key = json.slice(i + 1, keyEnd);
    if (WANTED.has(key)) (fields as Record<string, string>)[key] = json.slice(valueStart, valueEnd);
    const next = json.charCodeAt(valueEnd + 1);
    if (next === CLOSE) return valueEnd + 2 === json.length ? fields : undefined;
    if (next !== COMMA) return undefined;
    i = valueEnd + 2;
  }
}
