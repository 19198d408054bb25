// Reads a V8 .cpuprofile (node --cpu-prof) and totals self time by script and by function,
// to say where a controller's CPU goes (module loading, crypto, JSON, our own code).
import { readFileSync } from "node:fs";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

export interface ProfileTotals {
  totalMs: number;
  byFile: [string, number][];
  byFunction: [string, number][];
}

function shortUrl(url: string): string {
  if (!url) return "(native/vm)";
  const m = /(node_modules\/[^/]+|dist\/[^:]+|node:[^:]+)/.exec(url);
  return m ? m[1] : url;
}

export function summariseProfile(file: string, top = 15): ProfileTotals {
  const profile = JSON.parse(readFileSync(file, "utf8")) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfUs = new Map<number, number>();
  profile.samples.forEach((id, i) => selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  const files = new Map<string, number>();
  const functions = new Map<string, number>();
  for (const [id, us] of selfUs) {
    const frame = (byId.get(id) as ProfileNode).callFrame;
    const where = shortUrl(frame.url);
    files.set(where, (files.get(where) ?? 0) + us);
    const fn = `${frame.functionName || "(anonymous)"} ${where}:${frame.lineNumber + 1}`;
    functions.set(fn, (functions.get(fn) ?? 0) + us);
  }
  const sorted = (m: Map<string, number>) =>
    [...m.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([k, us]): [string, number] => [k, us / 1000]);
  return {
    totalMs: (profile.endTime - profile.startTime) / 1000,
    byFile: sorted(files),
    byFunction: sorted(functions),
  };
}
