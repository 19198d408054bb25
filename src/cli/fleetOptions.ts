// Options shared by every fleet command, and turning them into hosts + a transport.
import { Option, type Command } from "commander";
import { InputError } from "../errors.js";
import { parseDuration } from "../duration.js";
import { parseSize } from "../size.js";

export interface FleetFlags {
  inventory?: string;
  limit?: string;
  forks: string;
  timeout: string;
  connectTimeout: string;
  maxOutput?: string;
  identity?: string[];
  knownHosts?: string;
  user?: string;
  json?: boolean;
  sshConfig?: string;
  hostKeyPolicy: string;
  become?: boolean;
  /** -v count. */
  verbose?: number;
}

export function addFleetOptions(cmd: Command): Command {
  return cmd
    .requiredOption("-i, --inventory <file>", "inventory: nfdebug YAML, or an Ansible INI/YAML inventory")
    .option("-l, --limit <pattern>", "hosts and groups to act on: globs, comma-separated, ! to exclude")
    .option("--forks <n>", "hosts worked on in parallel", "200")
    .option("--timeout <duration>", "per-host command timeout", "60s")
    .option("--connect-timeout <duration>", "per-host SSH connect timeout", "15s")
    .option(
      "--max-output <size>",
      "most output a host may send per script before it fails (default 16MiB, 64MiB for kernel log reads)",
    )
    .option("--identity <file...>", "private key file(s) to offer (after the SSH agent)")
    .option(
      "--known-hosts <file>",
      "known_hosts file to verify host keys against (default ~/.ssh/known_hosts)",
    )
    .option("--user <name>", "remote user, overriding the inventory")
    .option("--ssh-config <file>", "ssh_config to honour (default ~/.ssh/config)")
    .addOption(
      new Option("--host-key-policy <policy>", "unknown host keys: refuse, record, or accept all (loud)")
        .choices(["strict", "accept-new", "off"])
        .default("strict"),
    )
    .option("--become", "run host scripts through sudo -n (non-root users)")
    .option("--json", "machine-readable output on stdout")
    .option(
      "-v, --verbose",
      "more on stderr, never in --json: -v each host's connections, scripts and steps with timings; -vv also the scripts sent and the output received; -vvv also SSH's own debug",
      (_: string, count: number) => count + 1,
      0,
    );
}

export function durationOption(name: string, text: string): number {
  const ms = parseDuration(text);
  if (ms === undefined)
    throw new InputError(`--${name}: "${text}" is not a duration (examples: 90s, 15m, 1h30m)`);
  return ms;
}

export function positiveIntOption(name: string, text: string): number {
  if (!/^[1-9][0-9]{0,5}$/.test(text))
    throw new InputError(`--${name}: "${text}" is not a positive whole number`);
  return Number(text);
}

export function sizeOption(name: string, text: string): number {
  const bytes = parseSize(text);
  if (bytes === undefined)
    throw new InputError(`--${name}: "${text}" is not a size (examples: 64MiB, 512KiB, 1G)`);
  return bytes;
}
