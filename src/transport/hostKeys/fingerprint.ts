// Key fingerprints and key types, formatted exactly like OpenSSH (`ssh-keygen -lf`).
import { createHash } from "node:crypto";

/** `SHA256:` + unpadded base64 of sha256(blob), as OpenSSH prints it. */
export function sha256Fingerprint(blob: Buffer): string {
  return "SHA256:" + createHash("sha256").update(blob).digest("base64").replace(/=+$/, "");
}

/** The key type named inside an SSH public key blob (its first length-prefixed string). */
export function keyTypeOfBlob(blob: Buffer): string {
  if (blob.length < 4) return "unknown";
  const len = blob.readUInt32BE(0);
  if (len === 0 || len > 64 || 4 + len > blob.length) return "unknown";
  return blob.toString("latin1", 4, 4 + len);
}

/** "ssh-ed25519 SHA256:…": what every host-key message shows. */
export function describeKey(blob: Buffer): string {
  return `${keyTypeOfBlob(blob)} ${sha256Fingerprint(blob)}`;
}
