// From fleet flags to selected hosts (inventory + ssh_config + --limit) and an SSH transport.
import { loadInventory } from "../inventory/load.js";
import { selectHosts } from "../inventory/limit.js";
import { parseShard, selectShard } from "../inventory/shard.js";
import {
  applySshConfigToHost,
  defaultSshConfigPath,
  ignoredLinesWarning,
  loadSshConfig,
  systemSshConfigPath,
} from "../inventory/sshConfig.js";
import type { HostSpec } from "../inventory/types.js";
import type { ConfigLine } from "../inventory/sshConfig.js";
import { SshTransport } from "../transport/sshTransport.js";
import { OpensshTransport } from "../transport/openssh/opensshTransport.js";
import {
  chooseTransports,
  describeChoices,
  TransportByHost,
  type TransportSetting,
} from "../transport/transportChoice.js";
import { hostKeyPolicyOffWarning, type HostKeyPolicy } from "../transport/hostKeys/hostKeyPolicy.js";
import type { Transport } from "../transport/types.js";
import { verboseTransport } from "../transport/verbose.js";
import type { FleetFlags } from "./fleetOptions.js";
import type { Output } from "./output.js";

export async function loadFleetHosts(
  flags: FleetFlags,
  warn: (m: string) => void = () => {},
): Promise<HostSpec[]> {
  const inventory = await loadInventory(flags.inventory as string, {
    user: flags.user,
    identity: flags.identity,
    become: flags.become === true ? true : undefined,
  });
  // As ssh -F: a named file replaces both the user's and the system file.
  const sshConfig = loadSshConfig(flags.sshConfig ?? defaultSshConfigPath(), {
    required: flags.sshConfig !== undefined,
    warn,
    systemFile: flags.sshConfig === undefined ? systemSshConfigPath() : undefined,
  });
  let selected = selectHosts(inventory.hosts, flags.limit);
  if (flags.shard !== undefined) {
    const shard = selectShard(selected, parseShard(flags.shard));
    warn(`shard ${flags.shard}: ${shard.length} of ${selected.length} selected host(s)`);
    selected = shard;
  }
  // Only the selected hosts are resolved, each one's ignored lines kept: createTransport names
  // those of the hosts that go through ssh2 (the system ssh honours them).
  return selected.map((h) => {
    sshConfig.ignored.clear();
    const host = applySshConfigToHost(h, sshConfig);
    ignoredBySsh2.set(host, [...sshConfig.ignored.values()]);
    return host;
  });
}

const ignoredBySsh2 = new WeakMap<HostSpec, ConfigLine[]>();

/**
 * A hint before anything runs, when hosts log in as a user that is not root without become: the
 * host scripts need root, so each would fail with kind become. One line per user.
 */
export function notRootHints(hosts: HostSpec[]): string[] {
  const byUser = new Map<string, string[]>();
  for (const h of hosts)
    if (h.user !== "root" && !h.become) byUser.set(h.user, [...(byUser.get(h.user) ?? []), h.name]);
  return [...byUser].map(([user, names]) => {
    const which =
      names.length <= 3 ? names.join(", ") : `${names.slice(0, 3).join(", ")} and ${names.length - 3} more`;
    return `${names.length} host(s) log in as ${user}, not root, without become (${which}): the host scripts need root; set become: true in the inventory or pass --become (sudo -n), or log in as root (user: root)`;
  });
}

export async function createTransport(
  flags: FleetFlags,
  hosts: HostSpec[],
  settings: {
    connectTimeoutMs: number;
    commandTimeoutMs: number;
    maxOutputBytes: number | undefined;
    output: Output;
  },
): Promise<Transport> {
  // An option the user chose wins over ssh_config; one left at its default does not.
  const chosen = (key: string) => !(flags.defaulted ?? []).includes(key);
  const policy = chosen("hostKeyPolicy") ? (flags.hostKeyPolicy as HostKeyPolicy) : undefined;
  if (policy === "off") settings.output.warn(hostKeyPolicyOffWarning());
  const verbose = flags.verbose ?? 0;
  const say = (line: string) => settings.output.warn(`nfdebug: ${line}`);
  const choices = await chooseTransports(hosts, (flags.transport ?? "auto") as TransportSetting, {
    configFile: flags.sshConfig,
    knownHostsFile: flags.knownHosts,
  });
  const note = flags.transport === "auto" || flags.transport === undefined ? describeChoices(choices) : null;
  if (note) say(note); // stderr, never in the --json document
  const ignored = ignoredLinesWarning(
    hosts
      .filter((h) => choices.get(h.name)?.transport !== "openssh")
      .flatMap((h) => ignoredBySsh2.get(h) ?? []),
  );
  if (ignored) say(ignored);
  const debug = verbose >= 3 ? (host: string, line: string) => say(`${host}: ssh: ${line}`) : undefined;
  const ssh = new SshTransport({
    knownHostsFile: flags.knownHosts,
    hostKeyPolicy: policy,
    connectTimeoutMs: settings.connectTimeoutMs,
    commandTimeoutMs: settings.commandTimeoutMs,
    maxOutputBytes: settings.maxOutputBytes,
    warn: (m) => settings.output.warn(`nfdebug: ${m}`),
    debug,
  });
  const openssh = new OpensshTransport({
    configFile: flags.sshConfig,
    // ssh's own known_hosts (ssh_config's UserKnownHostsFile) unless --known-hosts was given
    knownHostsFile: flags.knownHosts,
    hostKeyPolicy: policy,
    connectTimeoutMs: settings.connectTimeoutMs,
    commandTimeoutMs: settings.commandTimeoutMs,
    maxOutputBytes: settings.maxOutputBytes,
    debug,
  });
  return verboseTransport(new TransportByHost(choices, { ssh2: ssh, openssh }), verbose, say);
}
