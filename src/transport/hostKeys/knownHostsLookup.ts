// Decide what known_hosts says about one host's key: known, unknown, changed or revoked.
import { createHmac, timingSafeEqual } from "node:crypto";
import { matchPatternList } from "../hostPatterns.js";
import { keyTypeOfBlob } from "./fingerprint.js";
import type { KnownHostsEntry } from "./knownHostsFile.js";

/** The name OpenSSH looks up and writes: `host` on port 22, `[host]:port` otherwise. */
export function knownHostsName(address: string, port: number): string {
  const host = address.toLowerCase();
  return port === 22 ? host : `[${host}]:${port}`;
}

export function entryMatchesName(entry: KnownHostsEntry, name: string): boolean {
  if (entry.hosts.kind === "hashed") {
    const mac = createHmac("sha1", entry.hosts.salt).update(name).digest();
    return timingSafeEqual(mac, entry.hosts.hash);
  }
  return matchPatternList(name, entry.hosts.patterns) === 1;
}

export type HostKeyStatus =
  | { status: "known"; entry: KnownHostsEntry }
  | { status: "revoked"; entry: KnownHostsEntry }
  /** A key of the same type is recorded for this host, and it is a different key. */
  | { status: "changed"; entry: KnownHostsEntry }
  /** Nothing of this type is recorded; `otherTypes` lists key types recorded for the host. */
  | { status: "unknown"; otherTypes: string[] };

export function lookupHostKey(entries: KnownHostsEntry[], name: string, keyBlob: Buffer): HostKeyStatus {
  const keyType = keyTypeOfBlob(keyBlob);
  const matching = entries.filter((e) => entryMatchesName(e, name));
  // Revocation is checked first, as OpenSSH does: a revoked key never counts as known.
  const revoked = matching.find((e) => e.marker === "revoked" && e.keyBlob.equals(keyBlob));
  if (revoked) return { status: "revoked", entry: revoked };
  const forHost = matching.filter((e) => e.marker === null);
  const same = forHost.find((e) => e.keyBlob.equals(keyBlob));
  if (same) return { status: "known", entry: same };
  const sameType = forHost.find((e) => e.keyType === keyType);
  if (sameType) return { status: "changed", entry: sameType };
  return { status: "unknown", otherTypes: [...new Set(forHost.map((e) => e.keyType))] };
}

/** Key types recorded for a host, so the handshake can ask for one we can verify. */
export function knownKeyTypes(entries: KnownHostsEntry[], name: string): string[] {
  const types = entries.filter((e) => e.marker === null && entryMatchesName(e, name)).map((e) => e.keyType);
  return [...new Set(types)];
}
