// Record times per reason in bounded memory, for the report's timeline: counts per time slot and
// reason, with slots of 1 ms (exact) that double in width whenever there would be more than
// MAX_SLOTS of them. A day of logs at any rate costs a few MiB, not 16 bytes per record.

const MAX_SLOTS = 65_536;
/** Reasons are numbered in order of appearance; a slot's key is slot * REASONS + reason. */
const REASONS = 4096;

export class TimeHistogram {
  private width = 1;
  private counts = new Map<number, number>();
  private reasonIndex = new Map<string, number>();
  private reasonIds: string[] = [];
  min = Infinity;
  max = -Infinity;
  total = 0;

  add(ms: number, reasonId: string): void {
    let r = this.reasonIndex.get(reasonId);
    if (r === undefined) {
      // Beyond REASONS distinct ids (never seen: the catalogue has under 100) they share the last.
      r = Math.min(this.reasonIds.length, REASONS - 1);
      this.reasonIndex.set(reasonId, r);
      this.reasonIds.push(reasonId);
    }
    if (ms < this.min) this.min = ms;
    if (ms > this.max) this.max = ms;
    this.total++;
    const key = Math.floor(ms / this.width) * REASONS + r;
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
    if (this.counts.size > MAX_SLOTS) this.widen();
  }

  private widen(): void {
    this.width *= 2;
    const merged = new Map<number, number>();
    for (const [key, count] of this.counts) {
      const slot = Math.floor(key / REASONS);
      const next = Math.floor(slot / 2) * REASONS + (key % REASONS);
      merged.set(next, (merged.get(next) ?? 0) + count);
    }
    this.counts = merged;
  }

  /** Each slot's start time, its reason id and its count (the start is exact while width is 1 ms). */
  *entries(): Generator<{ ms: number; reasonId: string; count: number }> {
    for (const [key, count] of this.counts)
      yield { ms: Math.floor(key / REASONS) * this.width, reasonId: this.reasonIds[key % REASONS], count };
  }
}
