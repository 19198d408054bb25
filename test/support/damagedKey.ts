// A damaged unencrypted OpenSSH ed25519 key whose parse error would quote private key bytes:
// the private section's key-type length is stretched over the public and private key that
// follow, so ssh2 answers "Unsupported OpenSSH private key type: ssh-ed25519\0…<key bytes>".
import { readFileSync, writeFileSync } from "node:fs";

export interface DamagedKey {
  file: string;
  /** The 32-byte private seed, in the spellings a leak could take. */
  secrets: string[];
}

export function writeDamagedKey(goodKeyFile: string, file: string): DamagedKey {
  const text = readFileSync(goodKeyFile, "latin1");
  const body = /-----BEGIN OPENSSH PRIVATE KEY-----\n([\s\S]*?)\n-----END OPENSSH PRIVATE KEY-----/.exec(
    text,
  );
  if (!body) throw new Error(`${goodKeyFile} is not an OpenSSH private key`);
  const raw = Buffer.from(body[1].replace(/\s+/g, ""), "base64");
  // The type string appears in the public blob, then at the start of the (unencrypted) private part.
  const type = raw.indexOf("ssh-ed25519", raw.indexOf("ssh-ed25519") + 1);
  if (type < 4) throw new Error("not an unencrypted ed25519 key");
  const seed = raw.subarray(type + 11 + 4 + 32 + 4, type + 11 + 4 + 32 + 4 + 32);
  raw.writeUInt32BE(11 + 4 + 32 + 4 + 64, type - 4);
  const lines = raw
    .toString("base64")
    .replace(/(.{70})/g, "$1\n")
    .trim();
  writeFileSync(file, `-----BEGIN OPENSSH PRIVATE KEY-----\n${lines}\n-----END OPENSSH PRIVATE KEY-----\n`, {
    mode: 0o600,
  });
  const secrets = [
    seed.toString("utf8"),
    seed.toString("latin1"),
    seed.toString("hex"),
    seed.toString("base64"),
  ];
  return { file, secrets };
}
