// The nfdebug inventory format as written (before defaults are applied). Ansible inventories are
// converted into this shape so that one schema and one set of checks cover every format.

export type IdentityField = string | string[];

export interface ConnectionFields {
  user?: string;
  port?: number;
  identity?: IdentityField;
  become?: boolean;
  jump?: string;
  /** ssh_config's ProxyCommand: only the openssh transport honours it. */
  proxy_command?: string;
  /** openssh or ssh2 for this host, whatever --transport says (as ansible_connection beats -c). */
  transport?: "openssh" | "ssh2";
  /** node_exporter's textfile directory on this host (or "none"), whatever --textfile-dir says. */
  textfile_dir?: string;
}

export interface HostEntry extends ConnectionFields {
  name: string;
  address?: string;
  groups?: string[];
}

export interface InventoryDocument {
  apiVersion?: string;
  kind?: string;
  defaults?: ConnectionFields;
  hosts: HostEntry[];
}

/** ansible-dynamic: what `ansible-inventory --list` printed for a script, plugin or directory. */
export type InventoryFormat = "nfdebug" | "ansible-yaml" | "ansible-ini" | "ansible-dynamic";
