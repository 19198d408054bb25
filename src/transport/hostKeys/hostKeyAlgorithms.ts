// Ask the server first for a host key type that known_hosts already has for it (as OpenSSH
// does); otherwise a host known only by its RSA key would present ed25519 and look "unknown".

/** ssh2's default order (Node has Ed25519). */
const DEFAULT_ORDER = [
  "ssh-ed25519",
  "ecdsa-sha2-nistp256",
  "ecdsa-sha2-nistp384",
  "ecdsa-sha2-nistp521",
  "rsa-sha2-512",
  "rsa-sha2-256",
  "ssh-rsa",
];

/** Signature algorithms that prove possession of a key of each known_hosts key type. */
const ALGORITHMS_FOR_KEY_TYPE: Record<string, string[]> = {
  "ssh-rsa": ["rsa-sha2-512", "rsa-sha2-256", "ssh-rsa"],
};

export function hostKeyAlgorithmsPreferring(knownKeyTypes: string[]): string[] {
  const preferred = knownKeyTypes
    .flatMap((t) => ALGORITHMS_FOR_KEY_TYPE[t] ?? [t])
    .filter((a) => DEFAULT_ORDER.includes(a));
  return [...new Set([...preferred, ...DEFAULT_ORDER])];
}
