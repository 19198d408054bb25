// `sudo -n` fails before the script runs when it would need a password or is not allowed;
// recognise that from its first stderr line so the host fails with kind "become".
import { HostError } from "../errors.js";
import type { HostSpec } from "../inventory/types.js";
import type { ExecResult } from "./types.js";

export const SH_COMMAND = "sh -s";
export const SUDO_SH_COMMAND = "sudo -n sh -s";

export function becomeFailure(host: HostSpec, result: ExecResult): HostError | null {
  const first = result.stderr.split("\n", 1)[0] ?? "";
  if (result.code === 1 && /^sudo: (a password is required|a terminal is required)/.test(first)) {
    return new HostError(
      "become",
      host.name,
      `sudo requires a password for ${host.user} on ${host.name}; configure NOPASSWD or log in as root`,
    );
  }
  if (result.code === 1 && /^(sudo: )?Sorry, user .* is not allowed|is not in the sudoers file/.test(first)) {
    return new HostError(
      "become",
      host.name,
      `${host.user} may not run sh through sudo on ${host.name}: ${first}`,
    );
  }
  if (result.code === 127 && /sudo: (command )?not found/.test(first)) {
    return new HostError(
      "become",
      host.name,
      `sudo is not installed on ${host.name}; install it or log in as root`,
    );
  }
  return null;
}
