// A host as the engine sees it, after inventory, defaults, ssh_config and CLI options are merged.

export interface JumpHost {
  address: string;
  port: number;
  user: string;
  identityFiles: string[];
}

export interface HostSpec {
  /** Inventory name, unique; used in every message and report. */
  name: string;
  address: string;
  port: number;
  user: string;
  /** Private key files to try, in order (after the SSH agent, when SSH_AUTH_SOCK is set). */
  identityFiles: string[];
  groups: string[];
  /** Run host scripts through `sudo -n` (user is not root). */
  become: boolean;
  /** Bastions, outermost first. */
  jump: JumpHost[];
}

export interface Inventory {
  file: string;
  hosts: HostSpec[];
}
