// Which kernel releases print a catalogue spelling, as data the tests check against kernel sources
// (test/fixtures/kernel-formats/). Versions are "major.minor[.patch]"; anything after the numbers
// ("-27-amd64", "-rc2") is ignored.

export interface KernelRange {
  /** First mainline release that prints it; absent: every release this project tracks (4.14 on). */
  from?: string;
  /** First mainline release that no longer prints it; absent: still printed. */
  until?: string;
  /**
   * Stable point releases of series before `from` that print it (a backport): "5.15.135" means the
   * 5.15 series from 5.15.135 on. The earliest release verified, not necessarily the first.
   */
  backports?: string[];
}

type Triple = [number, number, number];

/** "6.1.119" → [6, 1, 119], "6.2" → [6, 2, 0]; null when the text does not start with a version. */
export function parseKernelVersion(version: string): Triple | null {
  const m = /^(\d+)\.(\d+)(?:\.(\d+))?/.exec(version);
  return m ? [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)] : null;
}

function compare(a: Triple, b: Triple): number {
  return a[0] - b[0] || a[1] - b[1] || a[2] - b[2];
}

function parsed(version: string): Triple {
  const v = parseKernelVersion(version);
  if (!v) throw new Error(`not a kernel version: ${version}`);
  return v;
}

/** Does `version` print what `range` describes? */
export function inKernelRange(range: KernelRange, version: string): boolean {
  const v = parsed(version);
  if (range.until !== undefined && compare(v, parsed(range.until)) >= 0) return false;
  if (range.from === undefined || compare(v, parsed(range.from)) >= 0) return true;
  return (range.backports ?? []).some((b) => {
    const first = parsed(b);
    return first[0] === v[0] && first[1] === v[1] && compare(v, first) >= 0;
  });
}

/** "4.19+", "before 4.19", "5.12 to before 5.18", "6.2+, stable 5.4.286+": for messages and reports. */
export function describeKernelRange(range: KernelRange): string {
  const { from, until } = range;
  let text = "all";
  if (from !== undefined && until !== undefined) text = `${from} to before ${until}`;
  else if (from !== undefined) text = `${from}+`;
  else if (until !== undefined) text = `before ${until}`;
  const backports = range.backports ?? [];
  return backports.length > 0 ? `${text}, stable ${backports.map((b) => `${b}+`).join(", ")}` : text;
}
