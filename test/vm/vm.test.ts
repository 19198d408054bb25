// The Debian VM test host itself: it boots, answers over SSH with a verified host key, really
// changes kernel state, reboots with a new boot id, leaves nothing behind when stopped, and is named
// and recorded for the test runner when its kernel panics.
import { after, before, test, type TestContext } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  bootVm,
  ensureImage,
  processesUsing,
  sendPackets,
  trackConntrack,
  type DebianVm,
} from "../fleet/vm/index.js";
import { FAULT_LOG_ENV } from "../fleet/vm/guest-faults.js";
import { runCommand } from "../fleet/netns/command.js";
import { generateEd25519, knownHostsLine } from "../fleet/netns/keys.js";
import { sshArgv } from "../fleet/vm/openssh.js";

let vm: DebianVm;

before(
  async () => {
    const image = await ensureImage(); // cached; a cold build takes about 3 minutes
    vm = await bootVm({ image });
  },
  { timeout: 20 * 60_000 },
);

after(async () => {
  await vm?.stop();
});

test("SSH verifies the baked-in host key: a wrong known_hosts entry is refused", async () => {
  const wrong = join(vm.runDir, "known_hosts.wrong");
  writeFileSync(wrong, `${knownHostsLine("127.0.0.1", vm.host.port, generateEd25519().publicKey)}\n`);
  const argv = sshArgv(
    { port: vm.host.port, identityFile: vm.identityFile, knownHostsFile: wrong },
    "root",
    "true",
  );
  const refused = await runCommand(argv, { timeoutMs: 60_000 });
  assert.equal(refused.code, 255);
  assert.match(refused.stderr, /REMOTE HOST IDENTIFICATION HAS CHANGED|Host key verification failed/);
  assert.equal((await vm.run("hostname")).trim(), "debvm");
});

test("a sysctl set over SSH reads back, and is restored", async () => {
  await vm.run("modprobe nf_conntrack");
  const before = (await vm.run("sysctl -n net.netfilter.nf_conntrack_log_invalid")).trim();
  assert.equal(before, "0");
  await vm.run("sysctl -w net.netfilter.nf_conntrack_log_invalid=6");
  assert.equal((await vm.run("cat /proc/sys/net/netfilter/nf_conntrack_log_invalid")).trim(), "6");
  await vm.run(`sysctl -w net.netfilter.nf_conntrack_log_invalid=${before}`);
  assert.equal((await vm.run("sysctl -n net.netfilter.nf_conntrack_log_invalid")).trim(), "0");
});

test("modprobe nf_log_ipv4 loads nf_log_syslog, modprobe -r unloads it", async () => {
  const modules = async () => (await vm.run("lsmod")).split("\n").map((line) => line.split(/\s+/)[0]);
  assert.ok(!(await modules()).includes("nf_log_syslog"), "nf_log_syslog is not loaded at boot");
  await vm.run("modprobe nf_log_ipv4");
  assert.ok((await modules()).includes("nf_log_syslog"));
  assert.match(await vm.run("cat /proc/net/netfilter/nf_log"), /^ 2 nf_log_ipv4 \(nf_log_ipv4\)$/m);
  await vm.run("modprobe -r nf_log_syslog");
  assert.ok(!(await modules()).includes("nf_log_syslog"));
  assert.match(await vm.run("cat /proc/net/netfilter/nf_log"), /^ 2 NONE \(\)$/m);
});

test("dynamic debug is available and lists conntrack's SCTP sites once nf_conntrack is loaded", async () => {
  await vm.run("modprobe nf_conntrack");
  assert.equal((await vm.ssh("test -f /proc/dynamic_debug/control")).code, 0);
  const sites = await vm.run("grep nf_conntrack_proto_sctp.c /proc/dynamic_debug/control");
  assert.match(sites, /^net\/netfilter\/nf_conntrack_proto_sctp\.c:\d+ \[nf_conntrack\]\w+ =_ "/m);
});

test("the sudo user reaches root with sudo -n", async () => {
  const result = await vm.ssh("echo $0; sudo -n id -u", { user: "nfdtest" });
  assert.equal(result.code, 0, result.stderr);
  assert.deepEqual(result.stdout.trim().split("\n"), ["sh", "0"]);
});

test("a SYN+RST segment sent in the VM is logged as INVALID through journald", async () => {
  await vm.run("modprobe nf_log_ipv4 nf_conntrack");
  await vm.run("sysctl -w net.netfilter.nf_conntrack_log_invalid=6 net.netfilter.nf_log.2=nf_log_ipv4");
  await trackConntrack(vm);
  const cursor = /^-- cursor: (\S+)$/m.exec(await vm.run("journalctl -k -n 0 --show-cursor"))?.[1];
  assert.ok(cursor);
  const [flow] = await sendPackets(vm, "tcp-bad-flags", 1);
  let lines: string[] = [];
  for (let i = 0; i < 20 && lines.length < 2; i++) {
    const out = await vm.run(`journalctl -k -o cat --after-cursor='${cursor}'`);
    lines = out.split("\n").filter((line) => line.startsWith("nf_ct_proto_6: invalid tcp flag combination"));
    if (lines.length < 2) await new Promise((resolve) => setTimeout(resolve, 500));
  }
  // Judged twice on lo: at OUTPUT and at PREROUTING (DOMAIN.md §11).
  assert.equal(lines.length, 2, lines.join("\n"));
  for (const line of lines) assert.match(line, new RegExp(`SPT=${flow.sport} DPT=${flow.dport} .* RST SYN `));
  await vm.run(
    "nft delete table inet nfdtest; sysctl -w net.netfilter.nf_conntrack_log_invalid=0 net.netfilter.nf_log.2=NONE",
  );
});

test("reboot comes back with a new boot id", { timeout: 6 * 60_000 }, async () => {
  const before = await vm.bootId();
  await vm.reboot();
  const afterReboot = await vm.bootId();
  assert.match(afterReboot, /^[0-9a-f-]{36}$/);
  assert.notEqual(afterReboot, before);
});

test(
  "stop powers off, leaves no qemu of this run and deletes the overlay",
  { timeout: 3 * 60_000 },
  async () => {
    const { pid, overlayFile, runDir } = vm;
    assert.ok(existsSync(overlayFile));
    assert.deepEqual(processesUsing(overlayFile), [pid]);
    await vm.stop();
    assert.deepEqual(processesUsing(overlayFile), []);
    assert.equal(existsSync(overlayFile), false);
    assert.equal(existsSync(runDir), false);
    assert.deepEqual(vm.leftovers(), []);
    await vm.stop(); // idempotent
  },
);

/** A VM of its own for a test that breaks it, and a fault log of the test's own (see withFaultLog). */
async function bootToBreak(t: TestContext): Promise<{ vm: DebianVm; faultLog: string }> {
  const broken = await bootVm({ image: await ensureImage() });
  t.after(() => broken.stop());
  const faults = mkdtempSync(join(tmpdir(), "nfd-vm-faults-"));
  t.after(() => rmSync(faults, { recursive: true, force: true }));
  return { vm: broken, faultLog: join(faults, "faults.log") };
}

/** Records a deliberate guest fault in `faultLog`, never in the runner's own log (it would retry on it). */
async function withFaultLog(faultLog: string, stop: () => Promise<void>): Promise<void> {
  const saved = process.env[FAULT_LOG_ENV];
  process.env[FAULT_LOG_ENV] = faultLog;
  try {
    await stop();
  } finally {
    if (saved === undefined) delete process.env[FAULT_LOG_ENV];
    else process.env[FAULT_LOG_ENV] = saved;
  }
}

test(
  "a guest kernel panic: the next ssh says so with the console's oops, and stop records it for the runner at once",
  { timeout: 8 * 60_000 },
  async (t) => {
    const { vm: crashing, faultLog } = await bootToBreak(t);
    // sysrq "c" panics the kernel (panic("sysrq triggered crash")); with kernel.panic=0 it stays down.
    // Detached and a second later, so this ssh returns before the guest dies under it.
    await crashing.run("nohup sh -c 'sleep 1; echo c > /proc/sysrq-trigger' >/dev/null 2>&1 &");
    await new Promise((resolve) => setTimeout(resolve, 3000));
    await assert.rejects(
      crashing.run("true"),
      /exited with 255: [^]*the guest kernel oopsed; console from the oops:\n\[ *[\d.]+\] Kernel panic - not syncing: sysrq triggered crash/,
    );
    const started = Date.now();
    await withFaultLog(faultLog, () => crashing.stop());
    assert.ok(Date.now() - started < 30_000, "a panicked guest is not given 60 s to power off");
    assert.match(
      readFileSync(faultLog, "utf8"),
      /: the guest kernel oopsed\n\[ *[\d.]+\] Kernel panic - not syncing: sysrq triggered crash/,
    );
    assert.deepEqual(crashing.leftovers(), []);
  },
);

test(
  "a guest that stops answering (its qemu stopped) is killed once the power-off wait ends, and recorded with its console",
  { timeout: 8 * 60_000 },
  async (t) => {
    const { vm: hung, faultLog } = await bootToBreak(t);
    const { pid, overlayFile } = hung;
    process.kill(pid, "SIGSTOP");
    await withFaultLog(faultLog, () => hung.stop(5_000));
    const recorded = readFileSync(faultLog, "utf8");
    assert.match(recorded, /: the guest stopped answering \(no power-off within 5 s\)\n/);
    assert.match(recorded, /debvm login:/, "the console's last lines come with it");
    assert.deepEqual(processesUsing(overlayFile), []);
    assert.deepEqual(hung.leftovers(), []);
  },
);
