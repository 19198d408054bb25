// Parse known_hosts files (sshd(8) "SSH_KNOWN_HOSTS FILE FORMAT") into entries with their
// origin, so messages can point at FILE:LINE.
import { keyTypeOfBlob } from "./fingerprint.js";

export type HostField =
  | { kind: "patterns"; patterns: string }
  /** `|1|salt|hash`: HMAC-SHA1 of the host name keyed with the salt. */
  | { kind: "hashed"; salt: Buffer; hash: Buffer };

export interface KnownHostsEntry {
  file: string;
  line: number;
  marker: "revoked" | "cert-authority" | null;
  hosts: HostField;
  keyType: string;
  keyBlob: Buffer;
}

export interface ParsedKnownHosts {
  entries: KnownHostsEntry[];
  /** Lines skipped and why (unparsable lines, unsupported markers); worth one warning each. */
  notes: string[];
  /**
   * The `@cert-authority` lines, kept apart from `entries`: ssh2 cannot use them, but they tell
   * `--transport auto` which hosts need the system ssh.
   */
  certificateAuthorities: KnownHostsEntry[];
}

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

export function parseKnownHosts(text: string, file: string): ParsedKnownHosts {
  const entries: KnownHostsEntry[] = [];
  const notes: string[] = [];
  const certificateAuthorities: KnownHostsEntry[] = [];
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const trimmed = lines[i]!.trim();
    if (trimmed === "" || trimmed.startsWith("#")) continue;
    const where = `${file}:${i + 1}`;
    const fields = trimmed.split(/\s+/);
    let marker: KnownHostsEntry["marker"] = null;
    if (fields[0]!.startsWith("@")) {
      const name = fields.shift()!;
      if (name === "@revoked") marker = "revoked";
      else if (name === "@cert-authority") marker = "cert-authority";
      else {
        notes.push(`${where}: unknown marker ${name}; line ignored`);
        continue;
      }
    }
    const [hostText, keyType, keyText] = fields;
    if (hostText === undefined || keyType === undefined || keyText === undefined || !BASE64.test(keyText)) {
      notes.push(`${where}: not a known_hosts entry; line ignored`);
      continue;
    }
    const hosts = parseHostField(hostText);
    if (hosts === null) {
      notes.push(`${where}: unreadable hashed host name; line ignored`);
      continue;
    }
    const keyBlob = Buffer.from(keyText, "base64");
    if (keyTypeOfBlob(keyBlob) !== keyType) {
      notes.push(`${where}: key type ${keyType} does not match the key data; line ignored`);
      continue;
    }
    if (marker === "cert-authority") {
      // ssh2 (1.17) cannot negotiate a host certificate: its host key algorithms have no
      // *-cert-v01@openssh.com (connect() throws "Unsupported algorithm") and its key exchange
      // parses only plain keys. Such a line can never vouch for a host here.
      notes.push(
        `${where}: @cert-authority lines are not supported by the ssh2 transport (it cannot negotiate host certificates); line ignored, so a host trusted only through it counts as unknown`,
      );
      certificateAuthorities.push({ file, line: i + 1, marker, hosts, keyType, keyBlob });
      continue;
    }
    entries.push({ file, line: i + 1, marker, hosts, keyType, keyBlob });
  }
  return { entries, notes, certificateAuthorities };
}

function parseHostField(text: string): HostField | null {
  if (!text.startsWith("|")) return { kind: "patterns", patterns: text };
  const parts = text.split("|");
  // "|1|salt|hash" splits into ["", "1", salt, hash]
  if (parts.length !== 4 || parts[1] !== "1" || !BASE64.test(parts[2]!) || !BASE64.test(parts[3]!))
    return null;
  const salt = Buffer.from(parts[2]!, "base64");
  const hash = Buffer.from(parts[3]!, "base64");
  if (salt.length !== 20 || hash.length !== 20) return null;
  return { kind: "hashed", salt, hash };
}
