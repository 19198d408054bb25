// The fleet options that can also come from the environment (NFDEBUG_<OPTION>) and from config
// files, and how each one's text is checked: the same checks as its flag's.
import { InputError } from "../errors.js";
import { durationOption, positiveIntOption, sizeOption, textfileDirOption } from "../cli/optionValues.js";
import { parseShard } from "../inventory/shard.js";

export type SettingKind =
  | "path"
  | "paths"
  | "text"
  | "count"
  | "duration"
  | "size"
  | "choice"
  | "switch"
  | "shard"
  /** A directory on the hosts (absolute, never resolved against the config file's directory). */
  | "host-dir";

export interface Setting {
  /** The long option without dashes, also the key in a config file: "known-hosts". */
  option: string;
  /** Commander's property name: "knownHosts". */
  key: string;
  kind: SettingKind;
  /**
   * Whether a config file may set it. --json is left to the command line and the environment:
   * it changes what stdout is, and a project file that turned it on would break the person (or the
   * script) reading it without their asking for it. --shard too: a file that sharded would make
   * every command quietly skip most of the fleet.
   */
  inFile: boolean;
  /** The values a "choice" accepts. */
  choices?: readonly string[];
}

const setting = (option: string, kind: SettingKind, inFile = true, choices?: readonly string[]): Setting => ({
  option,
  key: option.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase()),
  kind,
  inFile,
  ...(choices ? { choices } : {}),
});

export const HOST_KEY_POLICIES = ["strict", "accept-new", "off"] as const;

/** --transport: the system ssh, the ssh2 library, or per host (src/transport/transportChoice.ts). */
export const TRANSPORTS = ["auto", "openssh", "ssh2"] as const;

export const SETTINGS: readonly Setting[] = [
  setting("inventory", "path"),
  setting("limit", "text"),
  setting("shard", "shard", false),
  setting("forks", "count"),
  setting("timeout", "duration"),
  setting("connect-timeout", "duration"),
  setting("max-output", "size"),
  setting("identity", "paths"),
  setting("known-hosts", "path"),
  setting("user", "text"),
  setting("ssh-config", "path"),
  setting("host-key-policy", "choice", true, HOST_KEY_POLICIES),
  setting("transport", "choice", true, TRANSPORTS),
  setting("become", "switch"),
  // apply and run: where node_exporter reads textfiles on the hosts.
  setting("textfile-dir", "host-dir"),
  setting("json", "switch", false),
];

/** NFDEBUG_KNOWN_HOSTS for known-hosts. */
export function envName(s: Setting): string {
  return `NFDEBUG_${s.option.toUpperCase().replace(/-/g, "_")}`;
}

/** The text of a switch in the environment: 1/true/yes/on or 0/false/no/off. */
export function switchValue(text: string): boolean | undefined {
  const t = text.trim().toLowerCase();
  if (["1", "true", "yes", "on"].includes(t)) return true;
  if (["0", "false", "no", "off", ""].includes(t)) return false;
  return undefined;
}

/** Throws the flag's own complaint, without the flag's name (the caller says where it came from). */
export function checkValue(s: Setting, value: unknown): void {
  const text = String(value);
  try {
    if (s.kind === "count") positiveIntOption(s.option, text);
    else if (s.kind === "duration") durationOption(s.option, text);
    else if (s.kind === "size") sizeOption(s.option, text);
    else if (s.kind === "shard") parseShard(text);
    else if (s.kind === "host-dir") textfileDirOption(text);
    else if (s.kind === "choice" && !(s.choices ?? []).includes(text))
      throw new InputError(`"${text}" is not one of ${(s.choices ?? []).join(", ")}`);
    else if ((s.kind === "text" || s.kind === "path") && text.trim() === "") throw new InputError("is empty");
  } catch (err) {
    if (err instanceof InputError) throw new InputError(err.message.replace(/^--[a-z-]+: /, ""));
    throw err;
  }
}
