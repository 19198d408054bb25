// The Debian VM test host itself: it boots, answers over SSH with a verified host key, really
// changes kernel state, reboots with a new boot id, and leaves nothing behind when stopped.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import {
  bootVm,
  ensureImage,
  processesUsing,
  sendPackets,
  trackConntrack,
  type DebianVm,
} from "../fleet/vm/index.js";
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
