// OpenSSH client options shared by the floor and Ansible: the fleet's key and known_hosts, host
// key checking on, no agent, no user or system ssh_config, and the algorithms nfdebug negotiates.
import type { Algorithms } from "../negotiated.js";

export interface OpensshSetup {
  knownHostsFile: string;
  identityFile: string;
  algorithms: Algorithms;
}

export function opensshOptions(setup: OpensshSetup): string[] {
  const o = (kv: string) => ["-o", kv];
  return [
    "-F",
    "/dev/null",
    ...o("BatchMode=yes"),
    ...o("StrictHostKeyChecking=yes"),
    ...o(`UserKnownHostsFile=${setup.knownHostsFile}`),
    ...o("GlobalKnownHostsFile=/dev/null"),
    ...o("IdentitiesOnly=yes"),
    ...o("IdentityAgent=none"),
    ...o(`KexAlgorithms=${setup.algorithms.kex}`),
    ...o(`HostKeyAlgorithms=${setup.algorithms.hostKey}`),
    ...o(`Ciphers=${setup.algorithms.cipher}`),
    "-i",
    setup.identityFile,
  ];
}
