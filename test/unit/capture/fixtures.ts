// The capture fixtures (test/fixtures/capture), from the compiled test or its source.
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

export function fixture(name: string): string {
  for (const up of ["../../../../test/fixtures/capture/", "../../fixtures/capture/"]) {
    const path = fileURLToPath(new URL(`${up}${name}`, import.meta.url));
    if (spawnSync("test", ["-f", path]).status === 0) return path;
  }
  throw new Error(`capture fixture ${name} not found`);
}
