#!/usr/bin/env node
// Records real conntrack INVALID log lines from a Debian VM's kernel into
// test/fixtures/logs/kernel-<major.minor>.txt, with the counters files beside it, by running
// test/fixtures/logs/record-kernel-lines.py (the script that recorded kernel-6.18.txt on this
// machine) inside the guest: its two network namespaces, bridge and scapy packets never leave the VM.
// The image has no scapy: this machine's (pure Python) is copied into the guest's /tmp for the run.
//
//   npm run build && node scripts/record-vm-kernel-lines.mjs [--release trixie] [--dir RUNDIR]
//
// Without --dir it boots its own VM and stops it; with --dir it uses one started by
// `node scripts/vm.mjs start --dir RUNDIR --release R`.
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { parseArgs } from "node:util";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const vmlib = await import(pathToFileURL(join(root, "dist", "test", "fleet", "vm", "index.js")).href);
const { values } = parseArgs({
  options: {
    release: { type: "string", default: "trixie" },
    dir: { type: "string" },
    out: { type: "string", default: join(root, "test", "fixtures", "logs") },
    scapy: { type: "string", default: "/usr/lib/python3/dist-packages/scapy" },
  },
});
const release = vmlib.releaseFromEnv({ NFDEBUG_VM_RELEASE: values.release });
const tar = spawnSync("tar", ["-C", dirname(values.scapy), "-czf", "-", "scapy"], { maxBuffer: 1 << 28 });
if (tar.status !== 0) throw new Error(`tar of ${values.scapy} failed: ${tar.stderr}`);
const script = readFileSync(join(root, "test", "fixtures", "logs", "record-kernel-lines.py"), "utf8");

const vm = values.dir
  ? vmlib.attachVm(values.dir)
  : await vmlib.bootVm({ image: await vmlib.ensureImage({ release }) });
try {
  const kernel = (await vm.run("uname -r")).trim();
  const short = kernel.split(".").slice(0, 2).join(".");
  await vm.run("rm -rf /tmp/nfdl && mkdir -p /tmp/nfdl/lib /tmp/nfdl/out");
  await vm.run("base64 -d | tar -C /tmp/nfdl/lib -xzf -", { input: tar.stdout.toString("base64") });
  await vm.run("cat > /tmp/nfdl/record-kernel-lines.py", { input: script });
  // Built into 6.18 here, modules on Debian: the logger, conntrack and the bridge hook the script uses.
  await vm.run("modprobe -a nf_log_syslog nf_conntrack br_netfilter");
  const out = await vm.run(
    "PYTHONPATH=/tmp/nfdl/lib /usr/bin/python3 /tmp/nfdl/record-kernel-lines.py /tmp/nfdl/out/kernel.txt",
    { timeoutMs: 15 * 60_000 },
  );
  console.log(out.trim());
  const files = {
    "kernel.txt": `kernel-${short}.txt`,
    "counters-6.18-before.txt": `counters-${short}-before.txt`,
    "counters-6.18-after.txt": `counters-${short}-after.txt`,
    "proc-net-stat-nf_conntrack-6.18.txt": `proc-net-stat-nf_conntrack-${short}.txt`,
  };
  for (const [from, to] of Object.entries(files)) {
    const text = await vm.run(`cat /tmp/nfdl/out/${from}`);
    writeFileSync(join(values.out, to), text);
    console.log(`wrote ${relative(process.cwd(), join(values.out, to))} (kernel ${kernel})`);
  }
  await vm.run("rm -rf /tmp/nfdl; modprobe -r br_netfilter nf_log_syslog 2>/dev/null || true");
} finally {
  if (!values.dir) await vm.stop();
}
