// Ansible host ranges: web[01:03] → web01 web02 web03; db-[a:c] → db-a db-b db-c; [0:10:5] strides.

const RANGE = /\[([0-9a-zA-Z]+):([0-9a-zA-Z]+)(?::([0-9]+))?\]/;
/** Bounds a typo like web[1:99999999] before it allocates a fleet. */
const MAX_HOSTS = 10_000;

/** Expanded names, or an error message when the range is malformed. */
export function expandHostRange(pattern: string): string[] | { error: string } {
  const match = RANGE.exec(pattern);
  if (!match) {
    return /[[\]]/.test(pattern)
      ? { error: `${JSON.stringify(pattern)} has a malformed host range` }
      : [pattern];
  }
  const [whole, start, end, strideText] = match;
  const stride = strideText === undefined ? 1 : Number(strideText);
  const head = pattern.slice(0, match.index);
  const tail = pattern.slice(match.index + whole.length);
  const middles = rangeValues(start, end, stride);
  if ("error" in middles) return { error: `${JSON.stringify(pattern)}: ${middles.error}` };
  const out: string[] = [];
  for (const middle of middles) {
    const rest = expandHostRange(tail);
    if ("error" in rest) return rest;
    for (const suffix of rest) {
      out.push(`${head}${middle}${suffix}`);
      if (out.length > MAX_HOSTS)
        return { error: `${JSON.stringify(pattern)} expands to more than ${MAX_HOSTS} hosts` };
    }
  }
  return out;
}

function rangeValues(start: string, end: string, stride: number): string[] | { error: string } {
  if (stride < 1) return { error: "the range step must be at least 1" };
  if (/^\d+$/.test(start) && /^\d+$/.test(end)) {
    // A leading zero in the start (01) pads every value to the start's width, as Ansible does.
    const width = start.startsWith("0") && start.length > 1 ? start.length : 0;
    const [from, to] = [Number(start), Number(end)];
    if (from > to) return { error: `the range start ${start} is after its end ${end}` };
    if ((to - from) / stride > MAX_HOSTS) return { error: `expands to more than ${MAX_HOSTS} hosts` };
    const values: string[] = [];
    for (let n = from; n <= to; n += stride) values.push(String(n).padStart(width, "0"));
    return values;
  }
  if (/^[a-z]$/i.test(start) && /^[a-z]$/i.test(end)) {
    const [from, to] = [start.charCodeAt(0), end.charCodeAt(0)];
    if (from > to) return { error: `the range start ${start} is after its end ${end}` };
    const values: string[] = [];
    for (let c = from; c <= to; c += stride) values.push(String.fromCharCode(c));
    return values;
  }
  return { error: "a range is [N:M] with numbers or [a:z] with single letters" };
}
