// Booting the Debian VM from a per-boot qcow2 overlay (the cached image is never written). A
// persistent boot (scripts/vm.mjs) is re-attached from the state file in its run directory.
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { runChecked } from "../netns/command.js";
import { accessPaths, writeAccessFiles } from "./access-files.js";
import { chooseAccelerator } from "./accelerator.js";
import { BootedVm } from "./booted-vm.js";
import { stderrLog } from "./build-image.js";
import { destroyBootSync, destroyOnExit, forgetOnExit } from "./exit-hooks.js";
import { guestOops, guestPanicked, recordGuestFault } from "./guest-faults.js";
import { requireHostTools } from "./host-tools.js";
import { waitForSsh, type SshTarget } from "./openssh.js";
import { freeLoopbackPort, isQemuOf, startQemu } from "./qemu.js";
import { SETTLED, fileTail, readState, runPaths, writeState, type VmState } from "./run-state.js";
import { RUN_DIR_PREFIX, removeStaleRunDirs } from "./stale-runs.js";
import type { BootOptions, DebianVm } from "./types.js";

const PORT_ATTEMPTS = 3;
/**
 * Boots again after a guest kernel panic during boot: under TCG (no KVM here) with a thread per
 * vCPU the Debian 13 kernel panicked once at 2.5 s ("Fatal exception in interrupt"), a fault of the
 * emulation that the next boot did not repeat (qemu.ts now runs one TCG thread). The panic is in
 * the console, and without a retry the wait for SSH ran into its 300 s deadline.
 */
const PANIC_RETRIES = 1;

async function createOverlay(disk: string, overlayFile: string): Promise<void> {
  await runChecked(["qemu-img", "create", "-q", "-f", "qcow2", "-b", disk, "-F", "raw", overlayFile]);
}

function prepareRunDir(wanted: string | undefined, log: (line: string) => void): string {
  if (wanted === undefined) {
    for (const dir of removeStaleRunDirs()) log(`removed ${dir} (its test process was killed)`);
    return mkdtempSync(join(tmpdir(), RUN_DIR_PREFIX));
  }
  const dir = resolve(wanted);
  if (existsSync(dir) && readdirSync(dir).length > 0) {
    throw new Error(`${dir} is not empty: stop the VM that uses it first (node scripts/vm.mjs stop)`);
  }
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** Boot the image and wait until SSH answers and systemd finished booting. */
export async function bootVm(options: BootOptions): Promise<DebianVm> {
  const log = options.log ?? stderrLog;
  const persistent = options.persistent ?? false;
  requireHostTools(["qemu-system-x86_64", "qemu-img", "ssh", ...(persistent ? [] : ["setpriv"])]);
  const { image } = options;
  const runDir = prepareRunDir(options.runDir, log);
  chmodSync(runDir, 0o700);
  const paths = runPaths(runDir);
  try {
    await createOverlay(image.disk, paths.overlayFile);
    const accelerator = options.accelerator ?? (await chooseAccelerator(image, log));
    const deadline = Date.now() + (options.bootTimeoutMs ?? 300_000);
    let panics = 0;
    for (let attempt = 1; ; attempt++) {
      const port = await freeLoopbackPort();
      writeAccessFiles(runDir, port, image.hostPublicKey, image.identityFile);
      const started = performance.now();
      const qemu = startQemu({ ...paths, image, port, accelerator, persistent });
      if (!persistent) destroyOnExit({ pid: qemu.pid, overlayFile: paths.overlayFile, runDir });
      const state: VmState = {
        pid: qemu.pid,
        port,
        accelerator,
        identityFile: image.identityFile,
        overlayFile: paths.overlayFile,
        bootSeconds: 0,
        persistent,
      };
      writeState(runDir, state);
      log(`booting ${image.kernelRelease} with ${accelerator} (pid ${qemu.pid}, ssh on 127.0.0.1:${port})`);
      const target: SshTarget = {
        port,
        identityFile: image.identityFile,
        knownHostsFile: accessPaths(runDir).knownHostsFile,
      };
      try {
        const status = await waitForSsh(
          target,
          "systemctl is-system-running || true",
          (out) => SETTLED.test(out),
          deadline,
          () => qemu.running() && !guestPanicked(paths.consoleLog),
        );
        state.bootSeconds = Number(((performance.now() - started) / 1000).toFixed(1));
        writeState(runDir, state);
        log(`VM up in ${state.bootSeconds} s (systemd: ${status.trim()})`);
        return new BootedVm(runDir, state, qemu.running);
      } catch (error) {
        // qemu could not bind the port we picked (another process took it meanwhile): next port.
        const portLost = !qemu.running() && /host forwarding/i.test(fileTail(paths.qemuLog, 5));
        if (portLost && attempt < PORT_ATTEMPTS) {
          log(`port ${port} was taken before qemu bound it; trying another`);
          continue;
        }
        if (guestPanicked(paths.consoleLog) && panics < PANIC_RETRIES) {
          panics++;
          const kept = `${paths.consoleLog}.panic-${panics}`;
          log(
            `the guest kernel panicked while booting (console kept in ${kept}); booting again on a new overlay. Console from the oops:\n${guestOops(paths.consoleLog)}`,
          );
          if (qemu.running() && isQemuOf(qemu.pid, paths.overlayFile)) process.kill(qemu.pid, "SIGKILL");
          await qemuGone(qemu);
          renameSync(paths.consoleLog, kept);
          rmSync(paths.overlayFile, { force: true });
          await createOverlay(image.disk, paths.overlayFile);
          continue;
        }
        const oops = guestOops(paths.consoleLog);
        if (oops) recordGuestFault(`${runDir}: the guest kernel oopsed while booting`, oops);
        throw new Error(
          `${(error as Error).message}\nqemu (pid ${qemu.pid}): ${qemu.exitStatus() ?? "still running, killed now"}\nqemu log:\n${fileTail(paths.qemuLog, 5)}\n${consoleExcerpt(paths.consoleLog)}`,
          { cause: error },
        );
      }
    }
  } catch (error) {
    const pid = readState(runDir)?.pid;
    if (pid !== undefined) destroyBootSync({ pid, overlayFile: paths.overlayFile, runDir });
    else rmSync(runDir, { recursive: true, force: true });
    forgetOnExit(runDir);
    throw error;
  }
}

/** The guest's oops when it had one (its first lines say where), else the console's last lines. */
function consoleExcerpt(consoleLog: string): string {
  const oops = guestOops(consoleLog);
  return oops ? `console from the oops:\n${oops}` : `console (last lines):\n${fileTail(consoleLog, 15)}`;
}

/** Until the killed qemu's exit is seen (it holds the overlay and the console file). */
async function qemuGone(qemu: { running(): boolean }): Promise<void> {
  for (let waited = 0; qemu.running() && waited < 10_000; waited += 100) {
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The VM a persistent boot left running in `runDir` (scripts/vm.mjs start). */
export function attachVm(runDir: string): DebianVm {
  const dir = resolve(runDir);
  const state = readState(dir);
  if (!state) throw new Error(`no VM state in ${dir} (start one with: node scripts/vm.mjs start)`);
  return new BootedVm(dir, state, () => isQemuOf(state.pid, state.overlayFile));
}
