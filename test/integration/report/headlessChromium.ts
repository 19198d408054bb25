// Debian's chromium, headless, with background networking off, for the report tests: a fresh
// profile per run, every process of a run ended by its process group, temp dirs removed.
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export const CHROMIUM = "/usr/bin/chromium";

/** A test's `skip` option: false, or why the tests cannot run here. */
export const chromiumSkip: string | false = existsSync(CHROMIUM)
  ? false
  : `Debian's chromium is not installed (${CHROMIUM} is absent); CI must run "apt-get install -y chromium"`;

/** Where screenshots and rendered pages are kept for people to look at (test-artifacts/report/). */
export const ARTIFACTS = fileURLToPath(new URL("../../../../test-artifacts/report/", import.meta.url));

const temps: string[] = [];
const groups = new Set<number>();

/** Chromium forks helpers; each run is its own process group so all of it can be ended by id. */
function killGroup(pgid: number): void {
  try {
    process.kill(-pgid, "SIGKILL");
  } catch {
    // already gone
  }
  groups.delete(pgid);
}
process.on("exit", () => [...groups].forEach(killGroup));

/** A temp dir removed by cleanupChromium(). */
export async function tempDir(prefix: string): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), prefix));
  temps.push(d);
  return d;
}

/** Ends what is left of every run and removes the temp dirs (call in after()). */
export async function cleanupChromium(): Promise<void> {
  [...groups].forEach(killGroup);
  for (const d of temps.splice(0)) await rm(d, { recursive: true, force: true });
}

export async function chromium(
  args: string[],
  timeoutMs = 90_000,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const profile = await tempDir("nfdebug-chromium-profile-");
  const child = spawn(
    CHROMIUM,
    [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      `--user-data-dir=${profile}`,
      ...args,
    ],
    { detached: true, stdio: ["ignore", "pipe", "pipe"] },
  );
  groups.add(child.pid!);
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d) => (stdout += d));
  child.stderr.on("data", (d) => (stderr += d));
  const timer = setTimeout(() => killGroup(child.pid!), timeoutMs);
  const code = await new Promise<number | null>((resolve, reject) => {
    child.on("error", reject);
    child.on("close", resolve);
  });
  clearTimeout(timer);
  killGroup(child.pid!); // helpers that outlive the browser process
  return { code, stdout, stderr };
}

/** Counts of the pixels of each colour (hex "rrggbb") in `colours`, and of white ones. */
export function countColours(
  png: { width: number; height: number; rgb(x: number, y: number): [number, number, number] },
  colours: string[],
): { counts: Record<string, number>; white: number } {
  const counts = Object.fromEntries(colours.map((c) => [c, 0]));
  let white = 0;
  for (let y = 0; y < png.height; y++) {
    for (let x = 0; x < png.width; x++) {
      const hex = png
        .rgb(x, y)
        .map((v) => v.toString(16).padStart(2, "0"))
        .join("");
      if (hex in counts) counts[hex]++;
      else if (hex === "ffffff") white++;
    }
  }
  return { counts, white };
}
