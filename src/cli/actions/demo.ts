// nfdebug demo: the newcomer's first run, from a checkout or the installed package. A local demo
// fleet (network namespaces running OpenSSH on 127.0.0.1, the same fleet the integration tests use,
// shipped in the package as dist/test/fleet/netns), the TCP-INVALID triage runbook against it with
// real INVALID packets, and where the report is. Everything it starts is stopped at the end.
import { spawnSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { InputError } from "../../errors.js";
import { HostsFailed } from "../exit.js";

export interface DemoFlags {
  hosts: string;
  out?: string;
}

// Beside this module in dist/src/cli/actions/ (its own location also inside the CLI bundle).
const FLEET = new URL("../../../test/fleet/netns/fleet.js", import.meta.url).href;
const CLI_MAIN = fileURLToPath(new URL("../main.js", import.meta.url));
const RUNBOOK = fileURLToPath(
  new URL("../../../../playbooks/runbooks/tcp-invalid-triage.yaml", import.meta.url),
);

type FleetModule = typeof import("../../../test/fleet/netns/fleet.js");

export async function demo(flags: DemoFlags): Promise<void> {
  const count = Number(flags.hosts);
  if (!Number.isInteger(count) || count < 1 || count > 50)
    throw new InputError(`--hosts: ${JSON.stringify(flags.hosts)} is not a number of hosts from 1 to 50`);
  if (process.getuid?.() !== 0)
    throw new InputError(
      "the demo fleet is made of network namespaces, which need root: run it as root (sudo nfdebug demo), " +
        'or point nfdebug at hosts of your own (README, "Your own hosts")',
    );
  const { startFleet } = (await import(FLEET)) as FleetModule;
  const started = Date.now();
  console.log(`Starting ${count} demo hosts (network namespaces with OpenSSH, on 127.0.0.1) ...`);
  const fleet = await startFleet({ count, allNetnsLogging: true });
  let status: number;
  try {
    const stamp = new Date()
      .toISOString()
      .replace(/[-:]/g, "")
      .replace(/\.\d+Z$/, "Z");
    const out = resolve(flags.out ?? join("nfdebug-runs", `demo-${stamp}`));
    mkdirSync(out, { recursive: true });
    const args = ["run", RUNBOOK, "-i", fleet.inventoryFile, "--known-hosts", fleet.knownHostsFile];
    args.push("--identity", fleet.identityFile, "--out", out);
    console.log(`$ nfdebug ${args.join(" ")}`);
    status = spawnSync(process.execPath, [CLI_MAIN, ...args], { stdio: "inherit" }).status ?? 1;
    console.log(`\nReport:  ${join(out, "report.html")}\nSummary: ${join(out, "summary.md")}`);
  } finally {
    await fleet.stop();
    console.log(`Demo fleet stopped. Total ${((Date.now() - started) / 1000).toFixed(1)} s.`);
  }
  // The run printed its own failures; the demo exits as it did (2 hosts failed, 3 internal).
  if (status === 1) throw new InputError("the demo run stopped on its input (see above)");
  if (status !== 0) throw new HostsFailed(1, status === 3 ? 1 : 0);
}
