// The Ansible side's files: ansible.cfg, an INI inventory, and the apply and revert playbooks.
import type { FleetHost } from "../../test/fleet/netns/types.js";
import type { SysctlValues } from "../hostState.js";

/**
 * ansible.posix.sysctl with state=present always writes its sysctl_file (there is no option
 * combination that only sets the running value): point it at a throwaway file in the host's own
 * /run, so /etc/sysctl.conf is never touched and nothing persists. reload=false skips
 * `sysctl -p`; sysctl_set=true sets the running value with `sysctl -w`.
 */
export const THROWAWAY_SYSCTL_FILE = "/run/nfdebug-bench-sysctl.conf";

export interface AnsibleConfig {
  inventoryFile: string;
  forks: number;
  controlPathDir: string;
  localTemp: string;
  /** OpenSSH options (the floor's, without -i: the inventory names the key). */
  sshArgs: string[];
}

export function ansibleCfg(c: AnsibleConfig): string {
  // ssh_args is parsed with shlex: quote nothing that has no spaces.
  return `# Written by bench/tools/ansibleFiles.ts
[defaults]
inventory = ${c.inventoryFile}
forks = ${c.forks}
host_key_checking = True
gathering = explicit
interpreter_python = /usr/bin/python3
retry_files_enabled = False
local_tmp = ${c.localTemp}
nocows = True

[ssh_connection]
pipelining = True
ssh_args = ${c.sshArgs.join(" ")} -o ControlMaster=auto -o ControlPersist=60s
control_path_dir = ${c.controlPathDir}
control_path = %(directory)s/%%C
`;
}

export function iniInventory(hosts: FleetHost[], identityFile: string): string {
  const lines = hosts.map(
    (h) =>
      `${h.name} ansible_host=${h.address} ansible_port=${h.port} ansible_user=${h.user} ansible_ssh_private_key_file=${identityFile}`,
  );
  return `[fleet]\n${lines.join("\n")}\n\n[fleet:vars]\nansible_python_interpreter=/usr/bin/python3\n`;
}

export function sysctlPlaybook(name: string, values: SysctlValues): string {
  const items = Object.entries(values)
    .map(([k, v]) => `        - { name: ${k}, value: "${v}" }`)
    .join("\n");
  return `# Written by bench/tools/ansibleFiles.ts: runtime-only sysctl values (see THROWAWAY_SYSCTL_FILE).
- name: "${name}"
  hosts: all
  gather_facts: false
  tasks:
    - name: set the running values
      ansible.posix.sysctl:
        name: "{{ item.name }}"
        value: "{{ item.value }}"
        state: present
        sysctl_set: true
        reload: false
        sysctl_file: ${THROWAWAY_SYSCTL_FILE}
      loop:
${items}
`;
}

/** "h001 : ok=1 changed=1 unreachable=0 failed=0 ..." → host → counters. */
export function parseRecap(stdout: string): Map<string, Record<string, number>> {
  const recap = new Map<string, Record<string, number>>();
  const at = stdout.lastIndexOf("PLAY RECAP");
  for (const line of stdout.slice(at).split("\n").slice(1)) {
    const m = /^(\S+)\s+:\s+(.*)$/.exec(line.trim());
    if (!m) continue;
    const counters: Record<string, number> = {};
    for (const [, k, v] of m[2].matchAll(/(\w+)=(\d+)/g)) counters[k] = Number(v);
    recap.set(m[1], counters);
  }
  return recap;
}
