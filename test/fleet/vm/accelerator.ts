// KVM or TCG. /dev/kvm can exist and still not work (seen here: inside another VM a KVM guest hung
// at early boot, or qemu aborted on an MSR). A probe boots the image's kernel with no root file
// system and panic=-1: a working accelerator reaches the panic and exits within seconds.
import { accessSync, constants, readFileSync, writeFileSync } from "node:fs";
import { release } from "node:os";
import { dirname, join } from "node:path";
import { runCommand } from "../netns/command.js";
import type { Accelerator, VmImage } from "./types.js";

const PROBE_TIMEOUT_MS = 15_000;

interface ProbeRecord {
  key: string;
  accelerator: Accelerator;
  detail: string;
}

export async function chooseAccelerator(image: VmImage, log: (line: string) => void): Promise<Accelerator> {
  const forced = process.env.NFDEBUG_VM_ACCEL;
  if (forced === "kvm" || forced === "tcg") return forced;
  if (forced) throw new Error(`NFDEBUG_VM_ACCEL must be kvm or tcg, not ${JSON.stringify(forced)}`);
  try {
    accessSync("/dev/kvm", constants.R_OK | constants.W_OK);
  } catch {
    return "tcg";
  }
  // The answer depends on this machine's kernel and qemu, not on the test: remember it.
  const qemu = await runCommand(["qemu-system-x86_64", "--version"]);
  const key = `${release()} ${qemu.stdout.split("\n")[0]} ${image.kernelRelease}`;
  const file = join(dirname(image.dir), "accelerator-probe.json");
  const known = readProbe(file);
  if (known?.key === key) return known.accelerator;
  const record = { key, ...(await probeKvm(image)) };
  log(`KVM probe: ${record.detail}; using ${record.accelerator} (remembered in ${file})`);
  writeFileSync(file, `${JSON.stringify(record, null, 2)}\n`);
  return record.accelerator;
}

async function probeKvm(image: VmImage): Promise<{ accelerator: Accelerator; detail: string }> {
  const started = performance.now();
  const result = await runCommand(
    [
      "qemu-system-x86_64",
      "-accel",
      "kvm",
      "-m",
      "256",
      "-display",
      "none",
      "-nodefaults",
      "-no-user-config",
      "-serial",
      "none",
      "-no-reboot",
      "-kernel",
      image.kernel,
      "-append",
      "panic=-1 root=/dev/nonexistent",
    ],
    { timeoutMs: PROBE_TIMEOUT_MS },
  );
  const ms = Math.round(performance.now() - started);
  if (result.code === 0) return { accelerator: "kvm", detail: `a KVM guest booted to its panic in ${ms} ms` };
  const why =
    result.code === null ? `no exit within ${PROBE_TIMEOUT_MS} ms` : `qemu exited with ${result.code}`;
  const said = result.stderr.trim().split("\n").pop() ?? "";
  return { accelerator: "tcg", detail: `KVM does not work here (${why}${said ? `: ${said}` : ""})` };
}

function readProbe(file: string): ProbeRecord | undefined {
  try {
    return JSON.parse(readFileSync(file, "utf8")) as ProbeRecord;
  } catch {
    return undefined;
  }
}
