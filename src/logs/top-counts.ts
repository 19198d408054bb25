// Keeping the most frequent of many counted keys in bounded memory (the flows tracked per reason):
// when a map holds twice the cap, the cap's worth of highest counts stay. Which ones stay is what a
// stable sort by count would keep (ties: the key seen first); finding the cut by selection instead
// of sorting costs O(n) per prune rather than O(n log n), which matters when nearly every record is
// a new flow and prunes come every `cap` records.

/** The k-th largest (1-based) of `values`, reordering them (Hoare's selection). */
export function kthLargest(values: Float64Array, k: number): number {
  let lo = 0;
  let hi = values.length - 1;
  const target = k - 1; // index in descending order
  while (lo < hi) {
    const pivot = values[(lo + hi) >>> 1];
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (values[i] > pivot) i++;
      while (values[j] < pivot) j--;
      if (i <= j) {
        const t = values[i];
        values[i] = values[j];
        values[j] = t;
        i++;
        j--;
      }
    }
    if (target <= j) hi = j;
    else if (target >= i) lo = i;
    else return values[target];
  }
  return values[target];
}

/** Drops all but the `keep` highest counts of `counts` (ties: the key inserted first stays). */
export function keepHighest(counts: Map<string, number>, keep: number): void {
  if (counts.size <= keep) return;
  const values = new Float64Array(counts.size);
  let n = 0;
  for (const c of counts.values()) values[n++] = c;
  const threshold = kthLargest(values, keep);
  let above = 0;
  for (const c of counts.values()) if (c > threshold) above++;
  let ties = keep - above;
  for (const [key, c] of counts) {
    if (c > threshold) continue;
    if (c === threshold && ties > 0) ties--;
    else counts.delete(key);
  }
}
