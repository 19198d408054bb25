// Other test processes on this machine may run fleets at the same time; machine-wide settings they
// hold (nf_log_all_netns, the sudo users) are legitimately still there after our fleet stops.
import { readdirSync } from "node:fs";

export function heldByOthers(
  resource: "nf_log_all_netns" | "user-nfdtest" | "user-nfdtestpw" | "sudoers",
): boolean {
  try {
    return readdirSync(`/run/nfd-fleet/holds/${resource}`).length > 0;
  } catch {
    return false;
  }
}
