// Machine-wide things several fleets may share (a sysctl of the initial namespace, a user, a sudoers
// file): the first holder changes them and remembers the original, the last one puts it back.
// Synchronous throughout, because the process 'exit' hook releases holds too.
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { REGISTRY_ROOT, isLiveRun, registeredRuns } from "./registry.js";

const HOLDS = join(REGISTRY_ROOT, "holds");

export interface SharedResource {
  /** File-name safe, e.g. "nf_log_all_netns", "user-nfdtest". */
  name: string;
  /** Make the change; returns what release needs to undo it (e.g. the original value). */
  setUp(): string;
  /** Undo, given setUp's return value. */
  tearDown(origin: string): void;
}

function holders(name: string): string[] {
  try {
    return readdirSync(join(HOLDS, name));
  } catch {
    return [];
  }
}

function liveRunIds(): Set<string> {
  return new Set(
    registeredRuns()
      .filter(isLiveRun)
      .map((s) => s.runId),
  );
}

/** Does a live run other than runId hold the resource? */
export function hasLiveHolder(name: string, runId: string): boolean {
  const live = liveRunIds();
  return holders(name).some((id) => id !== runId && live.has(id));
}

/** Take a hold for runId; the first live holder runs setUp. */
export function acquire(resource: SharedResource, runId: string): void {
  const dir = join(HOLDS, resource.name);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const live = liveRunIds();
  const others = holders(resource.name).filter((id) => id !== runId && live.has(id));
  writeFileSync(join(dir, runId), "");
  if (others.length > 0) return;
  // Holders of dead runs left their change in place: the origin they recorded is still the truth.
  const originFile = join(HOLDS, `${resource.name}.origin`);
  let origin: string | undefined;
  try {
    origin = readFileSync(originFile, "utf8");
  } catch {
    origin = undefined;
  }
  if (origin === undefined) writeFileSync(originFile, resource.setUp());
  else resource.setUp();
}

/** Drop runId's hold; when no live holder remains, tearDown restores the origin. */
export function release(resource: SharedResource, runId: string): void {
  const dir = join(HOLDS, resource.name);
  rmSync(join(dir, runId), { force: true });
  const live = liveRunIds();
  live.delete(runId);
  const remaining = holders(resource.name);
  if (remaining.some((id) => live.has(id))) return;
  for (const id of remaining) rmSync(join(dir, id), { force: true });
  const originFile = join(HOLDS, `${resource.name}.origin`);
  let origin: string;
  try {
    origin = readFileSync(originFile, "utf8");
  } catch {
    return; // never set up (or already restored)
  }
  resource.tearDown(origin);
  rmSync(originFile, { force: true });
  rmSync(dir, { recursive: true, force: true });
}
