// The validated inventory document → HostSpecs: defaults applied, CLI options on top, identity
// paths expanded, jump hosts parsed.
import { homedir, userInfo } from "node:os";
import { isAbsolute, resolve } from "node:path";
import type { HostSpec, JumpHost } from "./types.js";
import type { ConnectionFields, HostEntry, IdentityField, InventoryDocument } from "./document.js";

/** CLI options; each one overrides the inventory for every host. */
export interface InventoryOptions {
  user?: string;
  port?: number;
  /** Key file(s); relative paths are relative to the current directory. */
  identity?: string | string[];
  become?: boolean;
}

export const DEFAULT_PORT = 22;
/**
 * The user when neither the inventory, a CLI option nor ssh_config names one: the local user name,
 * as OpenSSH does (not root: a login nfdebug assumed would fail, or worse, succeed as someone else).
 */
export function defaultUser(): string {
  try {
    return userInfo().username;
  } catch {
    // No passwd entry for this uid (a container): what the environment says, as ssh would fail.
    return process.env.USER ?? process.env.LOGNAME ?? "root";
  }
}

/** `baseDir` resolves relative identity paths written in the inventory (the inventory's folder). */
export function hostSpecs(
  doc: InventoryDocument,
  baseDir: string,
  options: InventoryOptions = {},
): HostSpec[] {
  const defaults: ConnectionFields = doc.defaults ?? {};
  return doc.hosts.map((entry) => hostSpec(entry, defaults, baseDir, options));
}

function hostSpec(
  entry: HostEntry,
  defaults: ConnectionFields,
  baseDir: string,
  options: InventoryOptions,
): HostSpec {
  const pick = <K extends keyof ConnectionFields>(key: K): ConnectionFields[K] =>
    options[key as keyof InventoryOptions] !== undefined
      ? (options[key as keyof InventoryOptions] as ConnectionFields[K])
      : entry[key] !== undefined
        ? entry[key]
        : defaults[key];
  const explicit: NonNullable<HostSpec["explicit"]> = [];
  if (entry.address !== undefined) explicit.push("address");
  const port = pick("port");
  const user = pick("user");
  // The host's own jump or proxy_command replaces the defaults' (either of them).
  const proxies = entry.jump !== undefined || entry.proxy_command !== undefined ? entry : defaults;
  const jump = proxies.jump;
  const proxyCommand = proxies.proxy_command;
  if (port !== undefined) explicit.push("port");
  if (user !== undefined) explicit.push("user");
  let identityFiles: string[] = [];
  if (options.identity !== undefined) {
    identityFiles = identityPaths(options.identity, process.cwd());
  } else {
    const written = entry.identity ?? defaults.identity;
    if (written !== undefined) identityFiles = identityPaths(written, baseDir);
  }
  if (identityFiles.length > 0) explicit.push("identityFiles");
  // A ProxyCommand from the inventory replaces ssh_config's ProxyJump and ProxyCommand, as -o does.
  if (jump !== undefined || proxyCommand !== undefined) explicit.push("jump");
  const spec: HostSpec = {
    name: entry.name,
    address: entry.address ?? entry.name,
    port: port ?? DEFAULT_PORT,
    user: user ?? defaultUser(),
    identityFiles,
    groups: [...(entry.groups ?? [])],
    become: pick("become") ?? false,
    jump: [],
    explicit,
  };
  if (jump !== undefined) spec.jump = parseJump(jump, spec);
  if (proxyCommand !== undefined)
    spec.proxyCommand = { command: proxyCommand, where: "the inventory", source: "inventory" };
  const transport = entry.transport ?? defaults.transport;
  if (transport !== undefined) spec.transport = transport;
  const textfileDir = entry.textfile_dir ?? defaults.textfile_dir;
  if (textfileDir !== undefined) spec.textfileDir = textfileDir === "none" ? null : textfileDir;
  return spec;
}

export function identityPaths(identity: IdentityField, baseDir: string): string[] {
  return (Array.isArray(identity) ? identity : [identity]).map((path) => expandPath(path, baseDir));
}

/** `~` and `~/x` are the home directory; other relative paths are relative to baseDir. */
export function expandPath(path: string, baseDir: string): string {
  if (path === "~") return homedir();
  if (path.startsWith("~/")) return resolve(homedir(), path.slice(2));
  return isAbsolute(path) ? path : resolve(baseDir, path);
}

/**
 * ProxyJump syntax, outermost first: "[user@]host[:port],...". A hop without a user or key uses
 * the target's, which is what fleets with one admin account want.
 */
export function parseJump(jump: string, target: Pick<HostSpec, "user" | "identityFiles">): JumpHost[] {
  return jump.split(",").map((hop) => {
    const match = /^(?:([^@]+)@)?(?:\[([^\]]+)\]|([^:]+))(?::(\d+))?$/.exec(hop)!;
    return {
      address: match[2] ?? match[3],
      port: match[4] !== undefined ? Number(match[4]) : DEFAULT_PORT,
      user: match[1] ?? target.user,
      identityFiles: [...target.identityFiles],
    };
  });
}
