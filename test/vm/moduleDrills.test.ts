// Module ownership fault drills on the Debian VM of $NFDEBUG_VM_RELEASE (12: 6.1, 13: 6.12), judged
// by kernel truth (/proc/modules through lsmod, /proc/net/netfilter/nf_log, the nf_log sysctls),
// never by what nfdebug reports:
//   - another process loads br_netfilter while apply's own modprobe runs: revert unloads what
//     nfdebug loaded (nfnetlink_log, and its dependency nfnetlink where that was not loaded before:
//     Debian 13's systemd 257 holds nfnetlink from boot on) and nothing else;
//   - a module nfdebug loaded is in use at revert: it stays loaded, the window stays ("left"),
//     revert fails naming it, status shows the window, and `revert --force` finishes once it is free;
//   - nf_conntrack loaded by nfdebug: revert unloads every dependency its modprobe loaded (libcrc32c).
// Its own VM, without the nftables ruleset of nfdebug.test.ts: that ruleset loads nf_tables and
// with it nfnetlink, which these drills need nfdebug to load.
import { after, afterEach, before, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { bootVm, ensureImage, type DebianVm, type VmRelease } from "../fleet/vm/index.js";
import { vmNfdebug, vmOk } from "./cli.js";

let vm: DebianVm;
let dir: string;
let release: VmRelease;

const nfdebug = (args: string[], extra: string[] = [], json = true) =>
  vmNfdebug(vm, args, vm.inventoryFile, extra, json);
const ok = (args: string[], extra?: string[]) => vmOk(vm, args, vm.inventoryFile, extra);

before(
  async () => {
    const image = await ensureImage();
    release = image.release;
    vm = await bootVm({ image });
    dir = mkdtempSync(join(tmpdir(), "nfd-vm-drills-"));
  },
  { timeout: 10 * 60_000 },
);

after(async () => {
  await vm?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
  if (vm) assert.deepEqual(vm.leftovers(), [], "nothing of the VM is left");
});

// A failed drill must not leave its window, its modprobe hook or its modules to the next one
// (none of them is loaded at boot).
afterEach(async () => {
  if (!vm) return;
  await vm.ssh(`touch ${HOOK_DIR}/go; rm -f ${HOOK_CONF}`);
  // Only where the holder's rule is still there: running nft at all would load nf_tables.
  await vm.ssh(
    `rmmod nfnetlink_queue 2>/dev/null; grep -q '^nft_log ' /proc/modules && nft delete table inet ${HOLDER_TABLE} && rmmod nft_log nf_tables libcrc32c`,
  );
  if ((await vm.ssh("test -f /run/nfdebug/window")).code === 0) {
    const run = await nfdebug(["revert", "--force"]);
    if (run.code !== 0)
      await vm.ssh("sh /run/nfdebug/s/$(sed -n 's/^scripts=//p' /run/nfdebug/window)/revert.sh reverted 1");
  }
  await vm.ssh(`rmmod ${BRIDGE.join(" ")} 2>/dev/null; rm -rf ${HOOK_DIR}`);
});

function profile(name: string, body: string): string {
  const file = join(dir, `${name}.yaml`);
  writeFileSync(file, `apiVersion: nfdebug/v1\nkind: DebugProfile\nname: ${name}\n${body}`);
  return file;
}

interface KernelState {
  lsmod: string;
  nfLog: string;
  sysctl: string;
}

async function kernelState(): Promise<KernelState> {
  const out = await vm.run(
    "lsmod; echo @@; cat /proc/net/netfilter/nf_log; echo @@; sysctl -a 2>/dev/null | grep -E '^net\\.netfilter\\.nf_(log|conntrack_log_invalid)' | sort",
  );
  const [lsmod, nfLog, sysctl] = out.split("@@\n");
  return { lsmod, nfLog, sysctl };
}

/** Loaded module names, from lsmod text (its header skipped). */
const moduleNames = (lsmod: string) =>
  new Set(
    lsmod
      .trim()
      .split("\n")
      .slice(1)
      .map((l) => l.split(/\s+/)[0]),
  );

const loaded = async () => moduleNames(await vm.run("lsmod"));

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(500);
  }
}

// modprobe's install hook for nfnetlink_log: nfdebug's own `modprobe nfnetlink_log` (which has
// already loaded its dependency nfnetlink) stops, says so in $HOOK_DIR/held, and waits for
// $HOOK_DIR/go (at most 5 minutes) before it inserts the module. Holding the host lock instead
// (flock /run/nfdebug/lock) would make apply wait for the lock, so a module loaded meanwhile
// would be there before apply begins; this hook puts the other process's load inside apply's
// single modprobe call, where the ownership rule has to tell the two apart.
const HOOK_DIR = "/run/nfd-drill";
const HOOK_CONF = "/etc/modprobe.d/nfd-drill.conf";
const HOOK =
  `install nfnetlink_log date +%s > ${HOOK_DIR}/held; end=$(($(date +%s) + 300)); ` +
  `while [ ! -e ${HOOK_DIR}/go ] && [ $(date +%s) -lt $end ]; do sleep 0.2; done; date +%s > ${HOOK_DIR}/released; ` +
  `/sbin/modprobe --ignore-install nfnetlink_log $CMDLINE_OPTS && date +%s > ${HOOK_DIR}/inserted`;

const BRIDGE = ["br_netfilter", "bridge", "stp", "llc"];

test("nfnetlink at boot: not loaded on Debian 12; loaded and held on Debian 13 (systemd 257)", async () => {
  const line = /^nfnetlink\s+\d+\s+(\d+)\s*$/m.exec(await vm.run("lsmod"));
  if (release === "bookworm") assert.equal(line, null, "6.1: nfnetlink is not loaded at boot");
  else
    assert.ok(
      line && Number(line[1]) > 0,
      "6.12: nfnetlink is loaded at boot and in use (no module uses it)",
    );
});

/** Modules nfdebug's `modprobe nfnetlink_log` loads on this release: nfnetlink too where it was not loaded. */
const nflogLoads = () => (release === "bookworm" ? ["nfnetlink_log", "nfnetlink"] : ["nfnetlink_log"]);

test(
  "another process loads br_netfilter during apply's modprobe: revert unloads nfnetlink_log (and nfnetlink where nfdebug loaded it), br_netfilter stays",
  { timeout: 12 * 60_000 },
  async (t) => {
    const before = await kernelState();
    const names = moduleNames(before.lsmod);
    for (const m of [...nflogLoads(), ...BRIDGE])
      assert.ok(!names.has(m), `${m} is not loaded before the drill`);
    await vm.run(`mkdir -p ${HOOK_DIR} && printf '%s\\n' '${HOOK}' > ${HOOK_CONF}`);
    const file = profile(
      "nflog-drill",
      // nfnetlink_log needs a capture (validate refuses it without one): tcpdump on nflog:0.
      "modules: [nfnetlink_log]\nnf_log:\n  ipv4: nfnetlink_log\ncapture: {}\n",
    );

    const started = Date.now();
    const elapsed = () => `${((Date.now() - started) / 1000).toFixed(1)} s`;
    const applying = nfdebug(["apply", file, "--for", "10m"]);
    let applyDone = false;
    const ended = () => (applyDone = true);
    applying.then(ended, ended);
    await waitFor(
      "nfdebug's modprobe nfnetlink_log to reach the hook",
      async () => applyDone || (await vm.ssh(`test -e ${HOOK_DIR}/held`)).code === 0,
      300_000,
    );
    if (applyDone) assert.fail(`apply ended before its modprobe ran:\n${(await applying).stdout}`);

    // Between begin and commit: the window is still opening, nfnetlink_log is journaled (before
    // its modprobe), nfnetlink is loaded (the dependency, by that modprobe), nfnetlink_log is not yet.
    const held = await vm.run("grep '^state=' /run/nfdebug/window; cat /run/nfdebug/changes; echo @@; lsmod");
    const [host, heldLsmod] = held.split("@@\n");
    t.diagnostic(`${elapsed()}: apply's modprobe held: ${host.trim().replaceAll("\n", " | ")}`);
    assert.match(host, /^state=opening$/m);
    assert.match(host, /^module:modules\tnfnetlink_log\tabsent\tloaded$/m);
    assert.ok(moduleNames(heldLsmod).has("nfnetlink"), "nfnetlink loaded (as the dependency, or since boot)");
    assert.ok(!moduleNames(heldLsmod).has("nfnetlink_log"));

    // Another process, over another SSH connection, loads br_netfilter (and bridge, stp, llc).
    await vm.run("modprobe br_netfilter");
    const withBridge = await loaded();
    for (const m of BRIDGE) assert.ok(withBridge.has(m), `${m} loaded by the other process`);
    await vm.run(`touch ${HOOK_DIR}/go`);
    t.diagnostic(`${elapsed()}: br_netfilter loaded, modprobe released`);

    const apply = await applying;
    t.diagnostic(
      `${elapsed()}: apply exit ${apply.code}; hook (VM clock) ${(await vm.run(`cd ${HOOK_DIR} && grep -H . held released inserted || true`)).trim().replaceAll("\n", " ")}`,
    );
    assert.equal(apply.code, 0, `apply: exit ${apply.code}\n${apply.stdout}\n${apply.stderr}`);
    const changes = apply.json!.hosts[0].changes.map((c) => `${c.knob} ${c.key}`);
    t.diagnostic(`apply reported: ${changes.join(", ")}`);
    // The journal holds what nfdebug loaded: nfnetlink only where it was not loaded before.
    assert.deepEqual(
      (await vm.run("cut -f1,2 /run/nfdebug/changes"))
        .trim()
        .split("\n")
        .filter((l) => l.startsWith("module:"))
        .map((l) => l.split("\t")[1])
        .sort(),
      nflogLoads().sort(),
    );
    const opened = await kernelState();
    for (const m of ["nfnetlink_log", "nfnetlink", ...BRIDGE])
      assert.ok(moduleNames(opened.lsmod).has(m), `${m} loaded while the window is open`);
    assert.match(opened.nfLog, /^ 2 nfnetlink_log \(nfnetlink_log\)$/m);
    await vm.run(`rm -f ${HOOK_CONF}`);

    await ok(["revert"]);
    const reverted = await kernelState();
    const after = moduleNames(reverted.lsmod);
    for (const m of BRIDGE) assert.ok(after.has(m), `${m} is still loaded: nfdebug did not load it`);
    for (const m of nflogLoads()) assert.ok(!after.has(m), `${m} is unloaded: nfdebug loaded it`);
    assert.deepEqual(
      [...after].filter((m) => !BRIDGE.includes(m)).sort(),
      [...names].sort(),
      "every other module as before",
    );
    assert.equal(reverted.nfLog, before.nfLog, "nf_log bindings as before");
    assert.equal(reverted.sysctl, before.sysctl, "nf_log sysctls as before");
    assert.equal((await vm.ssh("test -e /run/nfdebug/window")).code, 1, "no window after revert");

    // The other process's modules are the test's to remove (they were not loaded before).
    await vm.run(`rmmod ${BRIDGE.join(" ")}`);
    assert.deepEqual(await kernelState(), before, "lsmod, nf_log and sysctls exactly as before");
  },
);

// Another user of a module nfdebug loaded with nfnetlink_log. Debian 12: nfnetlink_queue, which uses
// nfnetlink (loaded by nfdebug as the dependency). Debian 13 loads nfnetlink at boot, so nfdebug
// owns only nfnetlink_log there: an nftables rule `log group 5` holds it (nft_log takes a reference
// on the group's logger).
const HOLDER_TABLE = "nfdhold";
const HOLDER = {
  bookworm: {
    module: "nfnetlink",
    hold: "modprobe nfnetlink_queue",
    free: "rmmod nfnetlink_queue",
    lsmod: /^nfnetlink\s+\d+\s+2 nfnetlink_(log,nfnetlink_queue|queue,nfnetlink_log)$/m,
  },
  trixie: {
    module: "nfnetlink_log",
    hold: `printf '%s\\n' 'table inet ${HOLDER_TABLE} {' '  chain o { type filter hook output priority 0; meta l4proto 253 log group 5; }' '}' | nft -f -`,
    // nf_tables and libcrc32c are not loaded at boot; the rule loaded them with nft_log.
    free: `nft delete table inet ${HOLDER_TABLE} && rmmod nft_log nf_tables libcrc32c`, // as afterEach
    lsmod: /^nfnetlink_log\s+\d+\s+[1-9]\d*\s*$/m,
  },
} as const;

test(
  "a module nfdebug loaded is in use at revert: left loaded, the window kept (left), revert --force unloads it once free",
  { timeout: 12 * 60_000 },
  async (t) => {
    const holder = HOLDER[release];
    const before = await kernelState();
    const names = moduleNames(before.lsmod);
    for (const m of [...nflogLoads(), "nfnetlink_queue", "nft_log"])
      assert.ok(!names.has(m), `${m} is not loaded before the drill`);
    const file = profile("inuse-drill", "modules: [nfnetlink_log]\n");

    const { json } = await ok(["apply", file, "--for", "10m"]);
    const window = json.window!;
    const opened = await loaded();
    assert.ok(opened.has("nfnetlink_log") && opened.has("nfnetlink"), "nfnetlink_log loaded with nfnetlink");

    await vm.run(holder.hold);
    assert.match(await vm.run("lsmod"), holder.lsmod);

    const revert = await nfdebug(["revert"]);
    t.diagnostic(`revert: exit ${revert.code}: ${JSON.stringify(revert.json?.hosts[0])}`);
    assert.equal(revert.code, 2, `${revert.stdout}\n${revert.stderr}`);
    const error = revert.json!.hosts[0].error!;
    assert.equal(error.kind, "remote");
    const inUse = new RegExp(`left loaded, in use: ${holder.module}\\b`);
    assert.match(error.message, inUse);
    const left = await loaded();
    assert.ok(left.has(holder.module), `${holder.module} left loaded (in use)`);
    if (release === "bookworm") {
      assert.ok(!left.has("nfnetlink_log"), "nfnetlink_log unloaded");
      assert.ok(left.has("nfnetlink_queue"), "the other user untouched");
    }
    // On the host: the window kept as "left", its journal reduced to the module left behind.
    assert.match(await vm.run("cat /run/nfdebug/window"), /^state=left$/m);
    assert.equal(
      await vm.run("cat /run/nfdebug/changes"),
      `module:modules\t${holder.module}\tabsent\tloaded\n`,
    );

    const status = await ok(["status"]);
    const shown = status.host.window as { id: string; state: string } | null;
    assert.deepEqual(shown && [shown.id, shown.state], [window, "left"], JSON.stringify(status.host));
    const text = await nfdebug(["status"], [], false);
    assert.equal(text.code, 0, text.stderr);
    t.diagnostic(`status: ${text.stdout.split("\n")[0]}`);
    assert.match(
      text.stdout,
      new RegExp(`^debvm: window ${window} open \\(left\\), profile inuse-drill`, "m"),
    );

    // --force while it is still in use: rmmod (never rmmod -f) still refuses; nothing changes.
    const forcedEarly = await nfdebug(["revert", "--force"]);
    assert.equal(forcedEarly.code, 2, forcedEarly.stdout);
    assert.match(forcedEarly.json!.hosts[0].error!.message, inUse);
    assert.ok((await loaded()).has(holder.module), "--force does not force an in-use module out");

    await vm.run(holder.free);
    const forced = await ok(["revert", "--force"]);
    assert.deepEqual(
      forced.host.changes.map((c) => `${c.knob} ${c.key} ${c.from}>${c.to}`),
      [`modules ${holder.module} loaded>absent`],
    );
    assert.equal((await vm.ssh("test -e /run/nfdebug/window")).code, 1, "the window is closed");
    assert.deepEqual(await kernelState(), before, "lsmod, nf_log and sysctls exactly as before");
    const closed = await ok(["status"]);
    assert.equal(closed.host.window, null);
  },
);

test(
  "nf_conntrack loaded by a profile: revert unloads it and every module its modprobe loaded, libcrc32c too",
  { timeout: 8 * 60_000 },
  async () => {
    const before = await kernelState();
    const deps = ["nf_conntrack", "nf_defrag_ipv4", "nf_defrag_ipv6", "libcrc32c"];
    for (const m of deps) assert.ok(!moduleNames(before.lsmod).has(m), `${m} is not loaded before the drill`);
    const { host } = await ok(["apply", profile("ct-module", "modules: [nf_conntrack]\n"), "--for", "10m"]);
    assert.deepEqual(
      host.changes.map((c) => `${c.key} ${c.to}`).sort(),
      deps.map((m) => `${m} loaded`).sort(),
    );
    for (const m of deps) assert.ok((await loaded()).has(m), `${m} loaded`);
    await ok(["revert"]);
    assert.deepEqual(
      await kernelState(),
      before,
      "lsmod (no libcrc32c), nf_log and sysctls exactly as before",
    );
  },
);

test(
  "a profile naming nf_log_common (no alias of nf_log_syslog on 6.1 and 6.12) loads nf_log_syslog; revert restores the kernel",
  { timeout: 8 * 60_000 },
  async () => {
    const before = await kernelState();
    assert.ok(
      !moduleNames(before.lsmod).has("nf_log_syslog"),
      "nf_log_syslog is not loaded before the drill",
    );
    // What a plain `modprobe nf_log_common` does on this kernel.
    const plain = await vm.ssh("modprobe nf_log_common");
    assert.notEqual(plain.code, 0, "modprobe nf_log_common fails on 6.1");
    assert.match(plain.stderr, /not found/);

    const file = profile("nf-log-common", "modules: [nf_log_common]\n");
    const { host } = await ok(["apply", file, "--for", "10m"]);
    assert.ok(
      host.changes.some((c) => c.knob === "modules" && c.key === "nf_log_syslog" && c.to === "loaded"),
      JSON.stringify(host.changes),
    );
    assert.ok((await loaded()).has("nf_log_syslog"), "the kernel lists nf_log_syslog");
    // Applied again: nothing left to do.
    const plan = await ok(["plan", file]);
    assert.deepEqual(plan.host.changes, []);

    await ok(["revert"]);
    const after = await kernelState();
    assert.deepEqual([...moduleNames(after.lsmod)].sort(), [...moduleNames(before.lsmod)].sort());
    assert.equal(after.nfLog, before.nfLog);
    assert.equal(after.sysctl, before.sysctl);
  },
);
