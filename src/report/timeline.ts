// Records per reason per time bucket, for the report's chart. Pure: numbers in, numbers out.

import type { TimeHistogram } from "./timeHistogram.js";
import { formatClock } from "./wording.js";

export interface TimelineSeries {
  /** reason_id, or OTHER_SERIES for the reasons beyond MAX_SERIES. */
  id: string;
  label: string;
  /** Index of the reason in the report's reasons (largest first); -1 for OTHER_SERIES. */
  rank: number;
  values: number[];
  total: number;
}

export interface Timeline {
  startMs: number;
  endMs: number;
  bucketMs: number;
  series: TimelineSeries[];
  /** Records without a wall-clock time (not charted). */
  untimed: number;
  ticks: Array<{ ms: number; label: string }>;
}

/** More series than this are unreadable in one chart; the rest are summed into one. */
export const MAX_SERIES = 8;
export const OTHER_SERIES = "(other)";
/** At most this many bars. */
const MAX_BUCKETS = 60;
const MAX_TICKS = 8;

const S = 1000;
const M = 60 * S;
const H = 60 * M;
const NICE_STEPS = [
  S,
  2 * S,
  5 * S,
  10 * S,
  15 * S,
  30 * S,
  M,
  2 * M,
  5 * M,
  10 * M,
  15 * M,
  30 * M,
  H,
  2 * H,
  3 * H,
  6 * H,
  12 * H,
  24 * H,
  7 * 24 * H,
];

/** The smallest nice step that cuts the span into at most `max` pieces. */
export function niceStep(spanMs: number, max: number): number {
  return NICE_STEPS.find((s) => Math.ceil(spanMs / s) <= max) ?? Math.ceil(spanMs / max);
}

/**
 * Buckets timed records into at most 60 bars aligned to round clock times. The range is the
 * window, widened to cover every timed record so nothing is silently left out.
 * `reasons` is ordered by count, largest first; `reasonOf[i]` indexes it for `times[i]`.
 */
export function buildTimeline(
  window: { startMs: number; endMs: number },
  times: TimeHistogram,
  rankOf: (reasonId: string) => number,
  reasons: Array<{ id: string; label: string }>,
  untimed: number,
): Timeline {
  let lo = window.startMs;
  let hi = window.endMs;
  if (times.min < lo) lo = times.min;
  if (times.max > hi) hi = times.max;
  if (!(hi > lo)) hi = lo + M;
  const bucketMs = niceStep(hi - lo, MAX_BUCKETS);
  const startMs = Math.floor(lo / bucketMs) * bucketMs;
  const endMs = Math.max(startMs + bucketMs, Math.ceil(hi / bucketMs) * bucketMs);
  const buckets = Math.round((endMs - startMs) / bucketMs);

  const named = reasons.slice(0, reasons.length > MAX_SERIES ? MAX_SERIES - 1 : MAX_SERIES);
  const series: TimelineSeries[] = named.map((r, rank) => ({
    ...r,
    rank,
    values: new Array(buckets).fill(0),
    total: 0,
  }));
  if (named.length < reasons.length) {
    const rest = reasons.length - named.length;
    series.push({
      id: OTHER_SERIES,
      label: `${rest} other reasons`,
      rank: -1,
      values: new Array(buckets).fill(0),
      total: 0,
    });
  }
  for (const slot of times.entries()) {
    const s = series[Math.min(rankOf(slot.reasonId), series.length - 1)];
    const b = Math.min(buckets - 1, Math.floor((slot.ms - startMs) / bucketMs));
    s.values[b] += slot.count;
    s.total += slot.count;
  }
  return {
    startMs,
    endMs,
    bucketMs,
    series: series.filter((s) => s.total > 0),
    untimed,
    ticks: timeTicks(startMs, endMs),
  };
}

function timeTicks(startMs: number, endMs: number): Timeline["ticks"] {
  const step = niceStep(endMs - startMs, MAX_TICKS);
  const withSeconds = step < M;
  const ticks: Timeline["ticks"] = [];
  for (let t = Math.ceil(startMs / step) * step; t <= endMs; t += step) {
    ticks.push({ ms: t, label: formatClock(t, withSeconds) });
  }
  return ticks;
}
