// Combine the connection details of one host from three sources. Precedence, per field:
//   1. CLI flags (--user, --identity, --port, ...)      win over everything
//   2. values written explicitly in the inventory        win over ssh_config
//   3. ~/.ssh/config (or --ssh-config FILE)
//   4. defaults: port 22, the local user name (as ssh does)
// Lists (identity files, jump hosts) are taken whole from the first source that has them.
// The address is what ssh would get on its command line: the inventory address when there is
// one (Ansible runs `ssh ANSIBLE_HOST`), else the inventory name. ssh_config is matched against
// it, and a HostName there translates it, as ssh does; only a CLI address bypasses that. Each jump host is itself resolved through
// ssh_config, and a jump host's own ProxyJump is followed (outermost first).
// Host-key directives (UserKnownHostsFile, ..., HostKeyAlias) come from ssh_config only; the
// transport lets --known-hosts / --host-key-policy win over them (../../transport/hostKeys/).
import { userInfo } from "node:os";
import { InputError } from "../../errors.js";
import type { HostKeySettings, HostSpec, JumpHost, ProxyCommandSetting } from "../types.js";
import type { SshConfig } from "./configTree.js";
import { formatJumpSpec, type JumpSpec } from "./proxyJump.js";
import { resolveSshConfig, type ResolvedSshConfig } from "./resolveHost.js";

export interface SshFields {
  address?: string;
  port?: number;
  user?: string;
  identityFiles?: string[];
  identitiesOnly?: boolean;
  jump?: JumpSpec[];
}

export interface MergeSources {
  name: string;
  inventory: SshFields;
  cli?: SshFields;
  /** Omit to ignore ssh_config entirely. */
  sshConfig?: SshConfig;
  defaultUser?: string;
}

export type ConnectionFields = Pick<
  HostSpec,
  "address" | "port" | "user" | "identityFiles" | "identitiesOnly" | "jump" | "hostKeys" | "proxyCommand"
>;

const MAX_JUMP_CHAIN = 10;

export function mergeSshConfig(sources: MergeSources): ConnectionFields {
  const cli = sources.cli ?? {};
  const inv = sources.inventory;
  const defaultUser = sources.defaultUser ?? userInfo().username;
  const alias = inv.address ?? sources.name;
  const config = sources.sshConfig ? resolveSshConfig(sources.sshConfig, alias) : undefined;
  const list = <T>(...candidates: (T[] | undefined)[]): T[] | undefined =>
    candidates.find((c) => c !== undefined && c.length > 0);
  const jumpSpecs = cli.jump ?? inv.jump ?? config?.proxyJump ?? [];
  return {
    address: cli.address ?? config?.hostName ?? alias,
    port: cli.port ?? inv.port ?? config?.port ?? 22,
    user: cli.user ?? inv.user ?? config?.user ?? defaultUser,
    identityFiles: list(cli.identityFiles, inv.identityFiles, config?.identityFiles) ?? [],
    identitiesOnly: cli.identitiesOnly ?? inv.identitiesOnly ?? config?.identitiesOnly ?? false,
    jump: resolveJumps(jumpSpecs, sources.sshConfig, defaultUser, [sources.name]),
    // A jump host given on the command line or in the inventory wins over ProxyCommand, as -J does.
    ...fromSshConfig(config, cli.jump === undefined && inv.jump === undefined),
  };
}

/** The ssh_config-only fields, present only when set (specs stay comparable with deepEqual). */
function fromSshConfig(
  config: ResolvedSshConfig | undefined,
  withProxyCommand: boolean,
): { hostKeys?: HostKeySettings; proxyCommand?: ProxyCommandSetting } {
  const out: { hostKeys?: HostKeySettings; proxyCommand?: ProxyCommandSetting } = {};
  if (config && Object.keys(config.hostKeys).length > 0) out.hostKeys = config.hostKeys;
  const line = config?.proxyCommand;
  if (line && withProxyCommand)
    out.proxyCommand = {
      command: line.args.join(" "),
      where: `${line.file}:${line.line}`,
      source: "ssh_config",
    };
  return out;
}

function resolveJumps(
  specs: JumpSpec[],
  sshConfig: SshConfig | undefined,
  defaultUser: string,
  chain: string[],
): JumpHost[] {
  const hops: JumpHost[] = [];
  for (const spec of specs) {
    if (chain.length > MAX_JUMP_CHAIN) {
      throw new InputError(
        `jump hosts nest deeper than ${MAX_JUMP_CHAIN}: ${chain.join(" -> ")} (a ProxyJump loop?)`,
      );
    }
    const config = sshConfig ? resolveSshConfig(sshConfig, spec.host) : undefined;
    // A jump host reached through its own ProxyJump: those hops come first.
    if (config?.proxyJump && config.proxyJump.length > 0) {
      hops.push(...resolveJumps(config.proxyJump, sshConfig, defaultUser, [...chain, formatJumpSpec(spec)]));
    }
    hops.push({
      address: config?.hostName ?? spec.host,
      port: spec.port ?? config?.port ?? 22,
      user: spec.user ?? config?.user ?? defaultUser,
      identityFiles: spec.identityFiles ?? config?.identityFiles ?? [],
      identitiesOnly: config?.identitiesOnly ?? false,
      ...fromSshConfig(config, true),
    });
  }
  return hops;
}

/**
 * The same precedence for a HostSpec from the inventory loader, whose `explicit` lists the
 * fields the inventory or a CLI option set (the other fields hold defaults). A spec without
 * `explicit` counts as fully explicit (ssh_config can then only translate the address through
 * HostName and set IdentitiesOnly, as `ssh -p PORT -l USER -i KEY ADDRESS` would).
 * Jump hops that come from ssh_config and name no IdentityFile are offered the host's keys,
 * as inventory hops are.
 */
export function applySshConfigToHost(host: HostSpec, sshConfig: SshConfig): HostSpec {
  const explicit = new Set(host.explicit ?? ["address", "port", "user", "identityFiles", "jump"]);
  const inventory: SshFields = {};
  if (explicit.has("address")) inventory.address = host.address;
  if (explicit.has("port")) inventory.port = host.port;
  if (explicit.has("user")) inventory.user = host.user;
  if (explicit.has("identityFiles")) inventory.identityFiles = host.identityFiles;
  if (host.identitiesOnly !== undefined) inventory.identitiesOnly = host.identitiesOnly;
  if (explicit.has("jump")) inventory.jump = [];
  const merged = mergeSshConfig({ name: host.name, inventory, sshConfig, defaultUser: host.user });
  const jump = explicit.has("jump")
    ? host.jump
    : merged.jump.map((hop) =>
        hop.identityFiles.length > 0 ? hop : { ...hop, identityFiles: merged.identityFiles },
      );
  return { ...host, ...merged, jump };
}
