// The `ssh` command line for one host, as Ansible builds it: the user's ssh_config is left to ssh
// itself, and only what the inventory or a flag set explicitly is passed as an option.
import type { HostSpec, JumpHost } from "../../inventory/types.js";
import type { HostKeyPolicy } from "../hostKeys/hostKeyPolicy.js";

export interface SshArgumentSettings {
  /** --ssh-config: passed as -F; otherwise ssh reads ~/.ssh/config and /etc/ssh/ssh_config. */
  configFile?: string;
  /** --known-hosts: UserKnownHostsFile. */
  knownHostsFile?: string;
  /** Unset: what ssh_config says (ssh's own default "ask" refuses under BatchMode, like strict). */
  hostKeyPolicy?: HostKeyPolicy;
  connectTimeoutMs: number;
  /** ServerAliveInterval; 0: none. */
  keepaliveIntervalMs: number;
  keepaliveCountMax: number;
  /** How long an idle master lingers after its last session (or after nfdebug died). */
  controlPersistSeconds: number;
}

const STRICT_HOST_KEY_CHECKING: Record<HostKeyPolicy, string> = {
  strict: "yes",
  "accept-new": "accept-new",
  off: "no",
};

/**
 * Options and destination for every ssh run against `host` (the master, scripts, -O exit), the
 * remote command excluded. The destination is the inventory's address when it set one, else the
 * inventory name, so that ssh_config `Host` blocks match as they do for `ssh NAME` and ssh looks
 * up known_hosts under the address it connects to, as the ssh2 transport does (no HostKeyAlias).
 */
export function sshArguments(host: HostSpec, controlPath: string, settings: SshArgumentSettings): string[] {
  const explicit = new Set(host.explicit ?? ["address", "port", "user", "identityFiles", "jump"]);
  const args: string[] = [];
  const option = (name: string, value: string | number): void => void args.push("-o", `${name}=${value}`);
  if (settings.configFile !== undefined) args.push("-F", settings.configFile);
  option("BatchMode", "yes");
  option("ControlMaster", "auto");
  option("ControlPath", controlPath);
  option("ControlPersist", settings.controlPersistSeconds);
  option("ConnectTimeout", Math.max(1, Math.ceil(settings.connectTimeoutMs / 1000)));
  if (settings.hostKeyPolicy)
    option("StrictHostKeyChecking", STRICT_HOST_KEY_CHECKING[settings.hostKeyPolicy]);
  if (settings.hostKeyPolicy === "off") option("UserKnownHostsFile", "/dev/null");
  else if (settings.knownHostsFile !== undefined) option("UserKnownHostsFile", settings.knownHostsFile);
  if (settings.keepaliveIntervalMs > 0) {
    option("ServerAliveInterval", Math.max(1, Math.round(settings.keepaliveIntervalMs / 1000)));
    option("ServerAliveCountMax", settings.keepaliveCountMax);
  }
  // Errors only: no "Warning: Permanently added" in a script's stderr.
  option("LogLevel", "ERROR");
  if (explicit.has("user")) args.push("-l", host.user);
  if (explicit.has("port")) args.push("-p", String(host.port));
  if (explicit.has("identityFiles") && host.identityFiles.length > 0) {
    for (const file of host.identityFiles) args.push("-i", file);
    option("IdentitiesOnly", "yes"); // the keys asked for, not every key the agent holds
  }
  if (explicit.has("jump") && host.jump.length > 0) args.push("-J", host.jump.map(jumpSpec).join(","));
  // ssh_config's own ProxyCommand is ssh's to read; the inventory's is passed as Ansible passes it.
  if (host.proxyCommand?.source === "inventory") option("ProxyCommand", host.proxyCommand.command);
  args.push("--", explicit.has("address") ? host.address : host.name);
  return args;
}

function jumpSpec(hop: JumpHost): string {
  const address = hop.address.includes(":") ? `[${hop.address}]` : hop.address;
  return `${hop.user}@${address}:${hop.port}`;
}
