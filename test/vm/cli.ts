// The nfdebug CLI against a booted Debian VM (its inventory, known_hosts and the identity the
// inventory names), with timeouts for a TCG guest on a busy 2-core machine. Shared by the VM suites.
import assert from "node:assert/strict";
import type { DebianVm } from "../fleet/vm/index.js";
import { runCli, type CliResult, type FleetJson, type HostJson } from "../support/cli.js";

/** nfdebug ARGS against the VM; --json unless `json` is false. */
export function vmNfdebug(
  vm: DebianVm,
  args: string[],
  inventory = vm.inventoryFile,
  extra: string[] = [],
  json = true,
): Promise<CliResult> {
  return runCli(
    [
      ...args,
      "-i",
      inventory,
      "--known-hosts",
      vm.knownHostsFile,
      "--timeout",
      "240s",
      "--connect-timeout",
      "90s",
      ...extra,
    ],
    { json, timeoutMs: 300_000 },
  );
}

/** Run a command that must succeed for the host; returns its one host result. */
export async function vmOk(
  vm: DebianVm,
  args: string[],
  inventory?: string,
  extra?: string[],
): Promise<{ json: FleetJson; host: HostJson }> {
  const run = await vmNfdebug(vm, args, inventory, extra);
  assert.equal(run.code, 0, `nfdebug ${args[0]}: exit ${run.code}\n${run.stdout}\n${run.stderr}`);
  assert.ok(run.json, run.stdout);
  const [host] = run.json.hosts;
  assert.equal(host.error, null, JSON.stringify(host.error));
  return { json: run.json, host };
}
