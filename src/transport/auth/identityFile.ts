// Load one private key file for publickey auth without ever printing what is inside it.
import { readFile } from "node:fs/promises";
import ssh2 from "ssh2";
import type { ParsedKey } from "ssh2";

const { utils } = ssh2;

export type Identity =
  | { file: string; state: "ready"; key: ParsedKey; publicBlob: Buffer }
  /** Needs a passphrase; `publicBlob` (from the file header or FILE.pub) lets the agent stand in. */
  | { file: string; state: "encrypted"; data: Buffer; publicBlob: Buffer | null }
  | { file: string; state: "missing" }
  | { file: string; state: "invalid"; reason: string };

export async function loadIdentity(file: string): Promise<Identity> {
  let data: Buffer;
  try {
    data = await readFile(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "ENOENT") return { file, state: "missing" };
    return { file, state: "invalid", reason: `cannot read it (${code ?? "error"})` };
  }
  const parsed = firstKey(utils.parseKey(data));
  if (!(parsed instanceof Error)) {
    if (!parsed.isPrivateKey()) return { file, state: "invalid", reason: "not a private key" };
    return { file, state: "ready", key: parsed, publicBlob: parsed.getPublicSSH() };
  }
  if (/encrypted/i.test(parsed.message) && /no passphrase/i.test(parsed.message)) {
    return {
      file,
      state: "encrypted",
      data,
      publicBlob: openSshHeaderPublicKey(data) ?? (await publicKeyFile(file)),
    };
  }
  // Only the part of ssh2's message before ":": after it, ssh2 quotes what it read from the file,
  // and in a damaged key that can be private key bytes ("Unsupported OpenSSH private key type: …").
  return { file, state: "invalid", reason: `unsupported or damaged key (${parsed.message.split(":")[0]})` };
}

/** Decrypt an encrypted identity; a wrong passphrase gives an Error. */
export function decryptIdentity(data: Buffer, passphrase: Buffer): ParsedKey | Error {
  const parsed = firstKey(utils.parseKey(data, passphrase));
  if (parsed instanceof Error) return parsed;
  return parsed.isPrivateKey() ? parsed : new Error("not a private key");
}

function firstKey(parsed: ParsedKey | ParsedKey[] | Error): ParsedKey | Error {
  return Array.isArray(parsed) ? (parsed[0] ?? new Error("no key in file")) : parsed;
}

/**
 * The "openssh-key-v1" format stores the public key unencrypted ahead of the private part:
 * magic, cipher, kdf, kdf options, key count, then the first public key blob.
 */
function openSshHeaderPublicKey(data: Buffer): Buffer | null {
  const match = /-----BEGIN OPENSSH PRIVATE KEY-----([\s\S]*?)-----END OPENSSH PRIVATE KEY-----/.exec(
    data.toString("latin1"),
  );
  if (!match) return null;
  const raw = Buffer.from(match[1]!.replace(/\s+/g, ""), "base64");
  const magic = Buffer.from("openssh-key-v1\0", "latin1");
  if (!raw.subarray(0, magic.length).equals(magic)) return null;
  let pos = magic.length;
  const readString = (): Buffer | null => {
    if (pos + 4 > raw.length) return null;
    const len = raw.readUInt32BE(pos);
    if (pos + 4 + len > raw.length) return null;
    const out = raw.subarray(pos + 4, pos + 4 + len);
    pos += 4 + len;
    return out;
  };
  for (let i = 0; i < 3; i++) if (readString() === null) return null; // cipher, kdf, kdf options
  if (pos + 4 > raw.length || raw.readUInt32BE(pos) < 1) return null;
  pos += 4;
  return readString();
}

async function publicKeyFile(file: string): Promise<Buffer | null> {
  try {
    const fields = (await readFile(`${file}.pub`, "utf8")).trim().split(/\s+/);
    return fields[1] ? Buffer.from(fields[1], "base64") : null;
  } catch {
    return null;
  }
}
