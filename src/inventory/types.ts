// A host as the engine sees it, after inventory, defaults, ssh_config and CLI options are merged.

/** ssh_config's host-key directives for one host or hop (../transport/hostKeys/ uses them). */
export interface HostKeySettings {
  /** UserKnownHostsFile, expanded; the first one records keys under accept-new. */
  userKnownHostsFiles?: string[];
  /** GlobalKnownHostsFile, expanded; read only. */
  globalKnownHostsFiles?: string[];
  /** StrictHostKeyChecking: yes/ask → strict, accept-new, no/off → off. */
  policy?: "strict" | "accept-new" | "off";
  /** FILE:LINE of the StrictHostKeyChecking line, for messages. */
  policyFrom?: string;
  /** HostKeyAlias: the name looked up in (and recorded into) known_hosts instead of host/port. */
  alias?: string;
}

/**
 * A ProxyCommand for a host or hop, from ssh_config or the inventory: only the openssh transport
 * honours it; the ssh2 transport refuses it (it changes where we connect).
 */
export interface ProxyCommandSetting {
  command: string;
  /** FILE:LINE of the line that set it. */
  where: string;
  /** ssh reads ssh_config's itself; the inventory's is passed to it as an option. */
  source: "ssh_config" | "inventory";
}

export interface JumpHost {
  address: string;
  port: number;
  user: string;
  identityFiles: string[];
  /** Offer only identityFiles (also from the agent), like ssh_config IdentitiesOnly. */
  identitiesOnly?: boolean;
  /** From ssh_config; absent when it sets none of them. */
  hostKeys?: HostKeySettings;
  proxyCommand?: ProxyCommandSetting;
}

export interface HostSpec {
  /** Inventory name, unique; used in every message and report. */
  name: string;
  address: string;
  port: number;
  user: string;
  /** Private key files to try, in order (after the SSH agent, when SSH_AUTH_SOCK is set). */
  identityFiles: string[];
  /** Offer only identityFiles (also from the agent), like ssh_config IdentitiesOnly. */
  identitiesOnly?: boolean;
  groups: string[];
  /** Run host scripts through `sudo -n` (user is not root). */
  become: boolean;
  /** From ssh_config; absent when it sets none of them. */
  hostKeys?: HostKeySettings;
  proxyCommand?: ProxyCommandSetting;
  /** Bastions, outermost first. */
  jump: JumpHost[];
  /** The inventory's transport for this host (nfdebug_transport); unset: --transport decides. */
  transport?: "openssh" | "ssh2";
  /**
   * The inventory's node_exporter textfile directory for this host (nfdebug_textfile_dir), null
   * for none; unset: --textfile-dir (or its config) decides.
   */
  textfileDir?: string | null;
  /**
   * Connection fields that the inventory or a CLI option set; the others hold defaults (address =
   * name, port 22, the local user name, no key files, no jump) that ssh_config may override.
   */
  explicit?: Array<"address" | "port" | "user" | "identityFiles" | "jump">;
}

export interface Inventory {
  file: string;
  hosts: HostSpec[];
}
