// Tests read fixtures and playbooks by paths relative to the repository root, so that the
// expected messages carry stable FILE names.
import { fileURLToPath } from "node:url";

/** From dist/test/unit/files/ the repository root is four levels up. */
export const REPO_ROOT = fileURLToPath(new URL("../../../../", import.meta.url));

export function useRepoRoot(): void {
  process.chdir(REPO_ROOT);
}
