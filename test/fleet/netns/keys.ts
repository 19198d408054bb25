// Ed25519 keys in OpenSSH format and known_hosts lines, made in-process (no ssh-keygen per host).
import { createHash, createHmac, generateKeyPairSync, randomBytes } from "node:crypto";

export interface KeyPair {
  /** "-----BEGIN OPENSSH PRIVATE KEY-----..." without a passphrase. */
  privateKey: string;
  /** "ssh-ed25519 AAAA..." (no comment). */
  publicKey: string;
}

function sshString(data: Buffer | string): Buffer {
  const bytes = typeof data === "string" ? Buffer.from(data) : data;
  const length = Buffer.alloc(4);
  length.writeUInt32BE(bytes.length);
  return Buffer.concat([length, bytes]);
}

function uint32(value: number): Buffer {
  const buffer = Buffer.alloc(4);
  buffer.writeUInt32BE(value);
  return buffer;
}

/**
 * Written by hand: ssh2's utils.generateKeyPairSync("ed25519") (1.17.0) strips leading zero bytes
 * of the public key, so about one key in 256 is rejected by sshd ("error in libcrypto").
 * Layout: PROTOCOL.key in OpenSSH's sources (unencrypted: cipher and kdf "none", block size 8).
 */
export function generateEd25519(comment = ""): KeyPair {
  // DER, not JWK: Node 20 builds the JWK object while holding the key's mutex, and a garbage
  // collection right then can run the finished key-generation job's destructor, which takes the
  // same mutex — seen here as a fleet start hung in futex_wait (gdb: ~KeyGenJob inside
  // ExportJWKEdKey). Ed25519 DER has fixed prefixes: the last 32 bytes are the seed / the key.
  const { privateKey, publicKey } = generateKeyPairSync("ed25519");
  const seed = privateKey.export({ format: "der", type: "pkcs8" }).subarray(-32);
  const pub = publicKey.export({ format: "der", type: "spki" }).subarray(-32);
  const publicBlob = Buffer.concat([sshString("ssh-ed25519"), sshString(pub)]);
  const check = randomBytes(4);
  let secret = Buffer.concat([
    check,
    check,
    sshString("ssh-ed25519"),
    sshString(pub),
    sshString(Buffer.concat([seed, pub])),
    sshString(comment),
  ]);
  const padding = Array.from({ length: (8 - (secret.length % 8)) % 8 }, (_, i) => i + 1);
  secret = Buffer.concat([secret, Buffer.from(padding)]);
  const body = Buffer.concat([
    Buffer.from("openssh-key-v1\0"),
    sshString("none"),
    sshString("none"),
    sshString(""),
    uint32(1),
    sshString(publicBlob),
    sshString(secret),
  ]).toString("base64");
  const lines = body.match(/.{1,70}/g) ?? [];
  return {
    privateKey: `-----BEGIN OPENSSH PRIVATE KEY-----\n${lines.join("\n")}\n-----END OPENSSH PRIVATE KEY-----\n`,
    publicKey: `ssh-ed25519 ${publicBlob.toString("base64")}`,
  };
}

/** "SHA256:..." exactly as `ssh-keygen -l` prints it. */
export function fingerprint(publicKey: string): string {
  const blob = Buffer.from(publicKey.split(" ")[1], "base64");
  return `SHA256:${createHash("sha256").update(blob).digest("base64").replace(/=+$/, "")}`;
}

/** The host pattern OpenSSH uses for a non-default port. */
export function knownHostsPattern(address: string, port: number): string {
  return port === 22 ? address : `[${address}]:${port}`;
}

export function knownHostsLine(address: string, port: number, publicKey: string): string {
  return `${knownHostsPattern(address, port)} ${publicKey}`;
}

/** A HashKnownHosts entry: |1|base64(salt)|base64(HMAC-SHA1(salt, pattern)). */
export function hashedKnownHostsLine(address: string, port: number, publicKey: string): string {
  const salt = randomBytes(20);
  const mac = createHmac("sha1", salt).update(knownHostsPattern(address, port)).digest();
  return `|1|${salt.toString("base64")}|${mac.toString("base64")} ${publicKey}`;
}
