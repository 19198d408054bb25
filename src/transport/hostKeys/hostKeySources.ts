// Which known_hosts files, policy and name check one host or hop. Precedence, per setting:
//   1. nfdebug's own options (--known-hosts, --host-key-policy: a flag, NFDEBUG_* or a config file)
//   2. the host's ssh_config (UserKnownHostsFile, GlobalKnownHostsFile, StrictHostKeyChecking)
//   3. defaults: ~/.ssh/known_hosts, /etc/ssh/ssh_known_hosts, strict
// HostKeyAlias, from ssh_config only, replaces the name looked up (as ssh, without [ ]:port).
import { join } from "node:path";
import type { HostKeySettings } from "../../inventory/types.js";
import type { HostKeyPolicy } from "./hostKeyPolicy.js";
import { knownHostsName } from "./knownHostsLookup.js";

export interface HostKeyOptions {
  /** Explicit known_hosts file: replaces UserKnownHostsFile. */
  knownHostsFile?: string;
  /** Explicit system files: replace GlobalKnownHostsFile. */
  globalKnownHostsFiles?: string[];
  /** Explicit policy: wins over StrictHostKeyChecking. */
  policy?: HostKeyPolicy;
  home: string;
}

export interface HostKeySources {
  userFiles: string[];
  globalFiles: string[];
  policy: HostKeyPolicy;
  /** FILE:LINE of the StrictHostKeyChecking that chose the policy, when it did. */
  policyFrom?: string;
  name: string;
}

export const DEFAULT_GLOBAL_KNOWN_HOSTS = ["/etc/ssh/ssh_known_hosts"];

export function hostKeySources(
  options: HostKeyOptions,
  settings: HostKeySettings | undefined,
  address: string,
  port: number,
): HostKeySources {
  const fromConfig = options.policy === undefined ? settings?.policy : undefined;
  return {
    userFiles: options.knownHostsFile
      ? [options.knownHostsFile]
      : (settings?.userKnownHostsFiles ?? [join(options.home, ".ssh", "known_hosts")]),
    globalFiles:
      options.globalKnownHostsFiles ?? settings?.globalKnownHostsFiles ?? DEFAULT_GLOBAL_KNOWN_HOSTS,
    policy: options.policy ?? fromConfig ?? "strict",
    ...(fromConfig && settings?.policyFrom ? { policyFrom: settings.policyFrom } : {}),
    name: settings?.alias !== undefined ? settings.alias.toLowerCase() : knownHostsName(address, port),
  };
}
