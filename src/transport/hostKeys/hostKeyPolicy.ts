// The host-key decision for one connection (or one jump hop): verify, record, or refuse.
import { HostError } from "../../errors.js";
import { describeKey } from "./fingerprint.js";
import type { KnownHostsStore } from "./knownHostsStore.js";

export type HostKeyPolicy = "strict" | "accept-new" | "off";

/** The loud warning the CLI prints on every run with `--host-key-policy off`. */
export function hostKeyPolicyOffWarning(): string {
  return (
    "WARNING: --host-key-policy off: host keys are NOT verified. Anyone on the network path can " +
    "impersonate these hosts, read what nfdebug sends and change what it reports. " +
    "Use --host-key-policy strict (the default) or accept-new."
  );
}

export interface HostKeyCheck {
  store: KnownHostsStore;
  policy: HostKeyPolicy;
  /** Inventory host the error is reported against. */
  host: string;
  /** How messages name the machine checked: the host itself or "jump host X for HOST". */
  label: string;
  /** The name looked up in known_hosts: knownHostsName(address, port), or a HostKeyAlias. */
  name: string;
}

/** Resolves to null when the key is acceptable, else to the HostError that refuses the host. */
export async function checkHostKey(check: HostKeyCheck, keyBlob: Buffer): Promise<HostError | null> {
  if (check.policy === "off") return null;
  const { store, host, label } = check;
  const name = check.name;
  const presented = describeKey(keyBlob);
  const found = await store.lookup(name, keyBlob);
  switch (found.status) {
    case "known":
      return null;
    case "revoked":
      return new HostError(
        "hostkey",
        host,
        `${label}: host key ${presented} is marked @revoked in ${found.entry.file}:${found.entry.line}; refusing to connect`,
      );
    case "changed":
      return new HostError(
        "hostkey",
        host,
        `${label}: HOST KEY CHANGED for ${name}: the server presented ${presented}, but ` +
          `${found.entry.file}:${found.entry.line} records ${describeKey(found.entry.keyBlob)}. ` +
          "Someone could be eavesdropping (possible man-in-the-middle attack), or the host was reinstalled. " +
          `Verify the new key, then remove the old line from ${found.entry.file}.`,
      );
    case "unknown": {
      if (check.policy === "accept-new") {
        await store.record(name, keyBlob);
        return null;
      }
      const others =
        found.otherTypes.length > 0 ? `; only ${found.otherTypes.join(", ")} keys are recorded for it` : "";
      return new HostError(
        "hostkey",
        host,
        `${label}: host key not in ${store.describeFiles()}: ${presented} ` +
          `(unknown host ${name}${others}; verify it and add it, or use --host-key-policy accept-new)`,
      );
    }
  }
}
