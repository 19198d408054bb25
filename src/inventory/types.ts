// A host as the engine sees it, after inventory, defaults, ssh_config and CLI options are merged.

export interface JumpHost {
  address: string;
  port: number;
  user: string;
  identityFiles: string[];
  /** Offer only identityFiles (also from the agent), like ssh_config IdentitiesOnly. */
  identitiesOnly?: boolean;
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
  /** Bastions, outermost first. */
  jump: JumpHost[];
  /** The inventory's transport for this host (nfdebug_transport); unset: --transport decides. */
  transport?: "openssh" | "ssh2";
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
