/** "6.1.0-27-amd64" → [6, 1]; unknown → [0, 0]. */
export function kernelVersion(release: string): [number, number] {
  const m = /^(\d+)\.(\d+)/.exec(release);
  return m ? [Number(m[1]), Number(m[2])] : [0, 0];
}

export function kernelAtLeast(release: string, major: number, minor: number): boolean {
  const [a, b] = kernelVersion(release);
  return a > major || (a === major && b >= minor);
}

/** "6.12.117+deb13-amd64" → "6.12", the version hosts are grouped by; "unknown" when not said. */
export function kernelSeries(release: string | undefined): string {
  return (release && /^(\d+\.\d+)/.exec(release)?.[1]) || "unknown";
}

/** Orders kernel series ("6.1" before "6.12"), "unknown" last. */
export function compareKernelSeries(a: string, b: string): number {
  if (a === "unknown" || b === "unknown") return a === b ? 0 : a === "unknown" ? 1 : -1;
  const [am, an] = kernelVersion(a);
  const [bm, bn] = kernelVersion(b);
  return am - bm || an - bn;
}
