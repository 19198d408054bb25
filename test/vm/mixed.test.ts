// One run over a fleet of mixed kernels: the Debian 12 VM (6.1), the Debian 13 VM (6.12) and two
// namespace hosts of this machine (6.18, no dynamic debug), in one inventory. The shipped SCTP deep
// dive runs on both VMs, is refused per host on the namespace hosts, and leaves one bundle whose
// report counts records per kernel version. It boots both releases, so it runs once: in the trixie
// pass of the VM suite (scripts/run-tests.mjs runs test/vm once per release).
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { startFleet, type Fleet } from "../fleet/netns.js";
import { bootVm, ensureImage, releaseFromEnv, trackConntrack, type DebianVm } from "../fleet/vm/index.js";
import { runCli } from "../support/cli.js";

const REPO = fileURLToPath(new URL("../../../", import.meta.url));
const ONCE = releaseFromEnv() === "trixie" ? false : "boots both releases: runs once, in the trixie pass";

let dir: string;
let fleet: Fleet | undefined;
const vms: Record<string, DebianVm> = {};
let inventory: string;
let knownHosts: string;

/** What the run may change on a VM and must restore: modules, loggers, log_invalid, SCTP sites. */
const kernelState = (vm: DebianVm) =>
  vm.run(
    "lsmod | sort; cat /proc/net/netfilter/nf_log; sysctl -n net.netfilter.nf_conntrack_log_invalid; grep -F nf_conntrack_proto_sctp /proc/dynamic_debug/control",
  );

before(
  async () => {
    if (ONCE) return;
    dir = mkdtempSync(join(tmpdir(), "nfd-vm-mixed-"));
    for (const release of ["bookworm", "trixie"] as const) {
      const vm = await bootVm({ image: await ensureImage({ release }) });
      vms[release] = vm;
      await trackConntrack(vm); // conntrack in use: nf_conntrack loaded, so its SCTP sites exist
    }
    fleet = await startFleet({ count: 2 });
    const { bookworm, trixie } = vms;
    const entry = (name: string, port: number, identity: string) =>
      `  - { name: ${name}, address: 127.0.0.1, port: ${port}, user: root, identity: ${identity} }`;
    inventory = join(dir, "mixed.yaml");
    writeFileSync(
      inventory,
      [
        "hosts:",
        entry("deb12", bookworm.host.port, bookworm.identityFile),
        entry("deb13", trixie.host.port, trixie.identityFile),
        ...fleet!.hosts.map((h, i) => entry(`ns${i + 1}`, h.port, fleet!.identityFile)),
        "",
      ].join("\n"),
    );
    knownHosts = join(dir, "known_hosts");
    writeFileSync(
      knownHosts,
      [bookworm.knownHostsFile, trixie.knownHostsFile, fleet!.knownHostsFile]
        .map((f) => readFileSync(f, "utf8"))
        .join(""),
    );
  },
  { timeout: 15 * 60_000 },
);

after(async () => {
  await fleet?.stop();
  for (const vm of Object.values(vms)) {
    await vm.stop();
    assert.deepEqual(vm.leftovers(), [], "nothing of the VM is left");
  }
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** nfdebug run of a shipped runbook over the mixed fleet. */
function runShipped(runbook: string, out: string) {
  return runCli(
    [
      "run",
      join(REPO, "playbooks", "runbooks", `${runbook}.yaml`),
      "--out",
      out,
      ...fleetFlags(),
      "--timeout",
      "240s",
    ],
    { timeoutMs: 9 * 60_000 },
  );
}

/** The mixed fleet's inventory and known hosts, for any fleet command. */
const fleetFlags = () => [
  "-i",
  inventory,
  "--known-hosts",
  knownHosts,
  "--ssh-config",
  "/dev/null",
  "--connect-timeout",
  "90s",
];

test(
  "issue 21: printk-deep-dive over 6.1 and 6.12 VMs and 6.18 namespace hosts: one bundle, records per kernel",
  { skip: ONCE, timeout: 10 * 60_000 },
  async () => {
    const { bookworm, trixie } = vms;
    const before = { deb12: await kernelState(bookworm), deb13: await kernelState(trixie) };
    // plan names, per host, the sites the selector matched on that kernel, and sums up per kernel.
    const profile = join(REPO, "playbooks", "profiles", "printk-sctp.yaml");
    const plan = await runCli(["plan", profile, ...fleetFlags()], { timeoutMs: 5 * 60_000 });
    const notes = Object.fromEntries(
      plan.json!.hosts.map((h) => [h.host, (h.notes as string[] | undefined) ?? []]),
    );
    assert.match(
      notes.deb12.join("\n"),
      /^printk selector "file \S+ func do_basic_checks or sctp_new" matched \d+ sites: .*:\d+ do_basic_checks/,
    );
    assert.match(
      notes.deb13.join("\n"),
      /^printk selector "file \S+ func do_basic_checks or sctp_new" matched 4 sites: (\S+:\d+ sctp_new(, )?){4}$/,
    );
    const text = await runCli(["plan", profile, ...fleetFlags()], { json: false, timeoutMs: 5 * 60_000 });
    assert.match(
      text.stdout,
      /^by kernel:\n {2}6\.1 \(1 host\): 1 ok, .*\n {2}6\.12 \(1 host\): 1 ok, .*\n {2}6\.18 \(2 hosts\): 2 unsupported, e\.g\. ns\d: dynamic debug is not available/m,
    );

    const out = join(dir, "bundle");
    const run = await runShipped("printk-deep-dive", out);
    // The namespace hosts are refused (no dynamic debug): the run reports them and exits 2.
    assert.equal(run.code, 2, `${run.stdout}\n${run.stderr}`);
    const hosts = run.json!.hosts;
    for (const h of hosts.filter((x) => x.host.startsWith("ns"))) {
      assert.equal(h.error?.kind, "unsupported", h.host);
      assert.match(h.error!.message, /^dynamic debug is not available on kernel 6\.18\./);
    }
    for (const h of hosts.filter((x) => x.host.startsWith("deb"))) assert.equal(h.error, null, h.host);

    const summary = readFileSync(join(out, "summary.md"), "utf8");
    assert.match(summary, /^\| Reason \| 6\.1 \(1 host\) \| 6\.12 \(1 host\) \| 6\.18 \(2 hosts\) \|$/m);
    assert.match(summary, /^\| `sctp\.bad_crc` \| 3 \| 3 \| 0 \|$/m);
    const printk = /^\| `printk\.nf_conntrack` \| (\d+) \| (\d+) \| 0 \|$/m.exec(summary);
    assert.ok(printk && Number(printk[1]) > 0 && Number(printk[2]) > 0, summary);
    assert.match(readFileSync(join(out, "report.html"), "utf8"), /<section id="kernels">/);

    assert.deepEqual({ deb12: await kernelState(bookworm), deb13: await kernelState(trixie) }, before);
  },
);

/**
 * What each shipped runbook does on each kernel of the mixed fleet: "ok", or the start of the
 * refusal each host of that kernel gets.
 */
const SHIPPED: Record<string, Record<string, string>> = {
  // nf_log_all_netns exists in the initial network namespace only; a namespace host is a container.
  "container-hosts": {
    "6.1": "ok",
    "6.12": "ok",
    "6.18": "unsupported: nf_log_all_netns is unavailable: this host is not in the initial network namespace",
  },
  "printk-deep-dive": {
    "6.1": "ok",
    "6.12": "ok",
    "6.18": "unsupported: dynamic debug is not available on kernel 6.18.",
  },
  "tcp-invalid-pcap": { "6.1": "ok", "6.12": "ok", "6.18": "ok" },
  "tcp-invalid-triage": { "6.1": "ok", "6.12": "ok", "6.18": "ok" },
  "udp-checksum": { "6.1": "ok", "6.12": "ok", "6.18": "ok" },
};

test(
  "issue 21: every shipped runbook works or is refused per host with a clear reason, on 6.1, 6.12 and 6.18",
  { skip: ONCE, timeout: 20 * 60_000 },
  async () => {
    const seen: Record<string, Record<string, string>> = {};
    for (const runbook of readdirSync(join(REPO, "playbooks", "runbooks"))
      .map((f) => f.replace(/\.yaml$/, ""))
      .sort()) {
      const run = await runShipped(runbook, join(dir, `all-${runbook}`));
      assert.ok(run.json, `${runbook}: ${run.stdout}\n${run.stderr}`);
      seen[runbook] = {};
      for (const h of run.json.hosts) {
        const kernel = h.host.startsWith("ns") ? "6.18" : h.host === "deb12" ? "6.1" : "6.12";
        const outcome = h.error ? `${h.error.kind}: ${h.error.message}` : "ok";
        seen[runbook][kernel] ??= outcome;
      }
    }
    for (const [runbook, byKernel] of Object.entries(SHIPPED))
      for (const [kernel, expected] of Object.entries(byKernel))
        assert.ok(
          seen[runbook][kernel].startsWith(expected),
          `${runbook} on ${kernel}: ${seen[runbook][kernel]}`,
        );
    assert.deepEqual(
      Object.keys(seen).sort(),
      Object.keys(SHIPPED).sort(),
      "every shipped runbook has its expectation",
    );
  },
);
