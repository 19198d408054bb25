// Reading the user's files for a command (validated, located problems on failure).
import { loadProfile } from "../profile/load.js";
import type { Profile } from "../profile/types.js";

export function loadProfileFile(path: string): Promise<Profile> {
  return loadProfile(path);
}
