// Options about debug windows that several commands share: which window (--window), and how long
// one may be (--for, with --no-limit past MAX_WINDOW_MS).
import { Option } from "commander";
import { formatDuration } from "../duration.js";
import { MAX_WINDOW_MS, WINDOW_ID } from "../engine/window.js";
import { InputError } from "../errors.js";

/** --window ID, checked before any host is contacted. */
export function checkWindowId(id: string | undefined): string | undefined {
  if (id !== undefined && !WINDOW_ID.test(id))
    throw new InputError(
      `--window: "${id}" is not a window id (like 20261125T120501-3fa2; see nfdebug status)`,
    );
  return id;
}

/** `--no-limit` would share commander's "limit" attribute with -l/--limit: store it elsewhere. */
export function noWindowLimitOption(): Option {
  const option = new Option("--no-limit", `allow windows longer than ${formatDuration(MAX_WINDOW_MS)}`);
  option.attributeName = () => "windowLimit";
  return option;
}

/**
 * A window length the user asked for (`what`: "--for", "the runbook's window"...), refused when
 * longer than MAX_WINDOW_MS unless --no-limit (`windowLimit` false).
 */
export function checkWindowLength(ms: number, what: string, windowLimit: boolean | undefined): number {
  if (ms > MAX_WINDOW_MS && windowLimit !== false)
    throw new InputError(
      `${what} ${formatDuration(ms)} is longer than ${formatDuration(MAX_WINDOW_MS)}; add --no-limit if you mean it`,
    );
  return ms;
}
