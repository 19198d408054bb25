// --transport auto: the system ssh for a host whose ssh_config needs something the ssh2 library
// cannot do, ssh2 for the others. ssh itself says what its config resolves to (`ssh -G`).
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { userInfo } from "node:os";
import type { HostSpec } from "../inventory/types.js";
import { readFile } from "node:fs/promises";
import { parseKnownHosts, type KnownHostsEntry, type ParsedKnownHosts } from "./hostKeys/knownHostsFile.js";
import { entryMatchesName, knownHostsName } from "./hostKeys/knownHostsLookup.js";
import type { Connection, Transport } from "./types.js";

export type TransportName = "openssh" | "ssh2";
export type TransportSetting = TransportName | "auto";

export interface TransportChoice {
  transport: TransportName;
  /** Why auto chose openssh (the ssh_config settings), or undefined. */
  why?: string;
}

/** `ssh -G` output as keyword → value (the first of repeated keywords, as ssh applies them). */
export function sshGValues(sshG: string): Map<string, string> {
  const values = new Map<string, string>();
  for (const line of sshG.split("\n")) {
    const at = line.indexOf(" ");
    if (at > 0 && !values.has(line.slice(0, at))) values.set(line.slice(0, at), line.slice(at + 1).trim());
  }
  return values;
}

/**
 * What in `ssh -G` output only the system ssh honours: ProxyCommand, CertificateFile,
 * PKCS11Provider, GSSAPIAuthentication yes and the user's own Control* settings. (A `Match exec`
 * block is seen through what it sets.) Empty: ssh2 can do it. GSSAPI counts only with a Kerberos
 * ticket: Debian's /etc/ssh/ssh_config turns it on for every host, where it does nothing without.
 */
export function opensshOnlySettings(sshG: string | Map<string, string>, kerberosTicket = false): string[] {
  const values = typeof sshG === "string" ? sshGValues(sshG) : sshG;
  const found: string[] = [];
  const set = (key: string, unset: string[] = []): boolean => {
    const value = values.get(key);
    return value !== undefined && value !== "" && !unset.includes(value.toLowerCase());
  };
  if (set("proxycommand", ["none"])) found.push("ProxyCommand");
  if (set("certificatefile", ["none"])) found.push("CertificateFile");
  if (set("pkcs11provider", ["none"])) found.push("PKCS11Provider");
  if (kerberosTicket && set("gssapiauthentication", ["no"])) found.push("GSSAPIAuthentication");
  if (set("controlmaster", ["false", "no"]) || set("controlpath", ["none"]) || set("controlpersist", ["no"]))
    found.push("Control*");
  return found;
}

/** The known_hosts files and name ssh checks this host's key against, from `ssh -G`. */
export function knownHostsOfSshG(
  values: Map<string, string>,
  knownHostsFile: string | undefined,
): { files: string[]; name: string } {
  // ssh -G prints the files expanded and space-separated (a path with a space is rare enough).
  const list = (key: string) => (values.get(key) ?? "").split(" ").filter((f) => f !== "" && f !== "none");
  const files = [...(knownHostsFile !== undefined ? [knownHostsFile] : list("userknownhostsfile"))];
  files.push(...list("globalknownhostsfile"));
  const alias = values.get("hostkeyalias");
  const name =
    alias !== undefined && alias !== "none"
      ? alias.toLowerCase()
      : knownHostsName(values.get("hostname") ?? "", Number(values.get("port") ?? 22));
  return { files, name };
}

/**
 * known_hosts vouches for the host only through `@cert-authority` lines: it presents a host
 * certificate, which ssh2 (no certificate host-key algorithms) cannot verify but ssh can.
 */
export function trustedOnlyThroughCertificateAuthority(files: ParsedKnownHosts[], name: string): boolean {
  const named = (entries: KnownHostsEntry[]) => entries.some((e) => entryMatchesName(e, name));
  return (
    files.some((f) => named(f.certificateAuthorities)) &&
    !files.some((f) => named(f.entries.filter((e) => e.marker === null)))
  );
}

/** Each known_hosts file read once per choice; a missing or unreadable one holds nothing. */
function knownHostsReader(): (file: string) => Promise<ParsedKnownHosts> {
  const read = new Map<string, Promise<ParsedKnownHosts>>();
  return (file) => {
    let parsed = read.get(file);
    if (!parsed) {
      parsed = readFile(file, "utf8").then(
        (text) => parseKnownHosts(text, file),
        () => ({ entries: [], notes: [], certificateAuthorities: [] }),
      );
      read.set(file, parsed);
    }
    return parsed;
  };
}

/** `ssh -G` for the host as the openssh transport names it; null when ssh cannot say. */
function sshConfigOf(host: HostSpec, configFile: string | undefined): Promise<string | null> {
  const explicit = new Set(host.explicit ?? ["address", "port", "user"]);
  const args = ["-G", ...(configFile ? ["-F", configFile] : [])];
  if (explicit.has("user")) args.push("-l", host.user);
  if (explicit.has("port")) args.push("-p", String(host.port));
  args.push("--", explicit.has("address") ? host.address : host.name);
  return new Promise((resolve) => {
    execFile("ssh", args, { timeout: 10_000, maxBuffer: 1 << 20 }, (err, stdout) =>
      resolve(err ? null : stdout),
    );
  });
}

export interface ChoiceOptions {
  /** --ssh-config. */
  configFile?: string;
  /** --known-hosts: replaces ssh_config's UserKnownHostsFile. */
  knownHostsFile?: string;
}

/** Each host's transport under `setting`; `auto` asks ssh about every host (a few at a time). */
export async function chooseTransports(
  hosts: HostSpec[],
  setting: TransportSetting,
  options: ChoiceOptions = {},
): Promise<Map<string, TransportChoice>> {
  const choices = new Map<string, TransportChoice>();
  for (const h of hosts) {
    if (h.transport) choices.set(h.name, { transport: h.transport, why: "the inventory says so" });
    else if (setting !== "auto") choices.set(h.name, { transport: setting });
    else if (h.proxyCommand?.source === "inventory")
      choices.set(h.name, { transport: "openssh", why: "ProxyCommand (in the inventory)" });
  }
  if (setting !== "auto") return choices;
  const ticket = hasKerberosTicket();
  const knownHosts = knownHostsReader();
  const queue = hosts.filter((h) => !choices.has(h.name));
  const worker = async (): Promise<void> => {
    for (let h = queue.shift(); h; h = queue.shift()) {
      const config = await sshConfigOf(h, options.configFile);
      const values = sshGValues(config ?? "");
      const needs = config === null ? [] : opensshOnlySettings(values, ticket);
      if (config !== null && needs.length === 0) {
        const { files, name } = knownHostsOfSshG(values, options.knownHostsFile);
        const parsed = await Promise.all(files.map(knownHosts));
        if (trustedOnlyThroughCertificateAuthority(parsed, name)) needs.push(CERTIFICATE_AUTHORITY);
      }
      choices.set(
        h.name,
        needs.length > 0 ? { transport: "openssh", why: needs.join(", ") } : { transport: "ssh2" },
      );
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
  return choices;
}

const CERTIFICATE_AUTHORITY = "@cert-authority";

function hasKerberosTicket(): boolean {
  return process.env.KRB5CCNAME !== undefined || existsSync(`/tmp/krb5cc_${userInfo().uid}`);
}

/** The once-per-run note of an auto choice: which hosts use openssh and why; null if none do. */
export function describeChoices(choices: Map<string, TransportChoice>): string | null {
  const byWhy = new Map<string, string[]>();
  let ssh2 = 0;
  for (const [name, c] of choices) {
    if (c.transport === "ssh2") ssh2++;
    else byWhy.set(c.why ?? "", [...(byWhy.get(c.why ?? "") ?? []), name]);
  }
  if (byWhy.size === 0) return null;
  const parts = [...byWhy].map(([why, names]) => {
    const which =
      names.length <= 5 ? names.join(", ") : `${names.slice(0, 5).join(", ")} and ${names.length - 5} more`;
    const because =
      why === "the inventory says so"
        ? "as the inventory says (transport)"
        : why === CERTIFICATE_AUTHORITY
          ? "known only through @cert-authority in known_hosts (host certificates)"
          : why.endsWith("(in the inventory)")
            ? `whose inventory entry sets ${why.replace(" (in the inventory)", "")}`
            : `whose ssh_config sets ${why}`;
    return `openssh for ${names.length} host(s) ${because} (${which})`;
  });
  return `--transport auto: ${parts.join("; ")}; ssh2 for the other ${ssh2}`;
}

/** Connects each host through the transport chosen for it. */
export class TransportByHost implements Transport {
  constructor(
    private readonly choices: Map<string, TransportChoice>,
    private readonly transports: Record<TransportName, Transport>,
  ) {}

  connect(host: HostSpec): Promise<Connection> {
    return this.transports[this.choices.get(host.name)?.transport ?? "ssh2"].connect(host);
  }
}
