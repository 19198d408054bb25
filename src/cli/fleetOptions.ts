// Options shared by every fleet command, and turning them into hosts + a transport.
import { Option, type Command } from "commander";

export { durationOption, positiveIntOption, sizeOption } from "./optionValues.js";

export interface FleetFlags {
  inventory?: string;
  limit?: string;
  shard?: string;
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
  /** auto, openssh or ssh2 (src/transport/transportChoice.ts). */
  transport?: string;
  become?: boolean;
  /** -v count. */
  verbose?: number;
  /** Set before the action runs: the options left at their built-in default (not chosen). */
  defaulted?: string[];
}

/**
 * The fleet options, also settable as NFDEBUG_<OPTION> and in config files; before the action runs
 * they are filled from those (./fleetSettings.ts) and --inventory must then be known.
 */
export function addFleetOptions(cmd: Command): Command {
  return defineFleetOptions(cmd).hook("preAction", async (command) => {
    const { applyFleetSettings } = await import("./fleetSettings.js");
    await applyFleetSettings(command);
  });
}

export function defineFleetOptions(cmd: Command): Command {
  return cmd
    .option(
      "-i, --inventory <file>",
      "inventory: nfdebug YAML, an Ansible INI/YAML inventory, or a dynamic one (script, plugin file, directory) read with ansible-inventory (required: flag, NFDEBUG_INVENTORY, a config file or ANSIBLE_INVENTORY)",
    )
    .option(
      "-l, --limit <pattern>",
      "hosts and groups to act on, as Ansible's patterns: names, globs, ~regex, : or , between terms, &x intersects, !x excludes, web[0:2], @FILE (a retry file)",
    )
    .option(
      "--shard <K/N>",
      "only shard K of N (counting from 1) of the selected hosts: a stable, even split by host name, for N controllers",
    )
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
      "known_hosts file to verify host keys against and record new keys in (default: ssh_config's UserKnownHostsFile, else ~/.ssh/known_hosts)",
    )
    .option("--user <name>", "remote user, overriding the inventory")
    .option(
      "--ssh-config <file>",
      "ssh_config to honour instead of ~/.ssh/config and /etc/ssh/ssh_config (like ssh -F)",
    )
    .addOption(
      new Option(
        "--host-key-policy <policy>",
        "unknown host keys: refuse, record, or accept all (loud); when not chosen, ssh_config's StrictHostKeyChecking applies",
      )
        .choices(["strict", "accept-new", "off"])
        .default("strict"),
    )
    .addOption(
      new Option(
        "--transport <transport>",
        "how to reach hosts: openssh (the system ssh, as Ansible), ssh2 (built in), or auto: openssh for hosts that need it (ssh_config ProxyCommand, CertificateFile, PKCS11Provider, GSSAPI or Control*; an inventory proxy_command; known_hosts trusting them only through @cert-authority), ssh2 for the rest",
      )
        .choices(["auto", "openssh", "ssh2"])
        .default("auto"),
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
