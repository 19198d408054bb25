// One run over a fleet of mixed kernels: the Debian 12 VM (6.1), the Debian 13 VM (6.12) and two
// namespace hosts of this machine (6.18, no dynamic debug), in one inventory. The shipped SCTP deep
// dive runs on both VMs, is refused per host on the namespace hosts, and leaves one bundle whose
// report counts records per kernel version. It boots both releases, so it runs once: in the trixie
// pass of the VM suite (scripts/run-tests.mjs runs test/vm once per release).
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
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

test(
  "issue 21: printk-deep-dive over 6.1 and 6.12 VMs and 6.18 namespace hosts: one bundle, records per kernel",
  { skip: ONCE, timeout: 10 * 60_000 },
  async () => {
    const { bookworm, trixie } = vms;
    const entry = (name: string, port: number, identity: string) =>
      `  - { name: ${name}, address: 127.0.0.1, port: ${port}, user: root, identity: ${identity} }`;
    const inventory = join(dir, "mixed.yaml");
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
    const knownHosts = join(dir, "known_hosts");
    writeFileSync(
      knownHosts,
      [bookworm.knownHostsFile, trixie.knownHostsFile, fleet!.knownHostsFile]
        .map((f) => readFileSync(f, "utf8"))
        .join(""),
    );
    const before = { deb12: await kernelState(bookworm), deb13: await kernelState(trixie) };
    const out = join(dir, "bundle");
    const run = await runCli(
      [
        "run",
        join(REPO, "playbooks", "runbooks", "printk-deep-dive.yaml"),
        "--out",
        out,
        "-i",
        inventory,
        "--known-hosts",
        knownHosts,
        "--ssh-config",
        "/dev/null",
        "--timeout",
        "240s",
        "--connect-timeout",
        "90s",
      ],
      { timeoutMs: 9 * 60_000 },
    );
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
