// Starting qemu for one boot, and recognising (and killing) exactly that qemu later.
import { spawn } from "node:child_process";
import { closeSync, openSync, readdirSync, readFileSync } from "node:fs";
import { createConnection, createServer } from "node:net";
import type { Accelerator, VmImage } from "./types.js";

export interface QemuLaunch {
  image: VmImage;
  overlayFile: string;
  port: number;
  accelerator: Accelerator;
  consoleLog: string;
  qemuLog: string;
  monitorSocket: string;
  /** Detach completely (the developer script); otherwise qemu dies with this process. */
  persistent: boolean;
}

export function qemuArgv(launch: QemuLaunch): string[] {
  // TCG runs both vCPUs on one host thread (thread=single). With a thread per vCPU, Debian 13's
  // kernel panicked while booting at a code-patching site (RIP one byte into a `66 90` nop, where
  // the patcher's int3 sits: a vCPU ran code another had already patched back), and in another run
  // stopped answering as nftables hooks (patched static keys) were registered: 2 of 8 runs of its
  // suite. One thread sees every code write before the other vCPU runs again.
  const accel =
    launch.accelerator === "kvm" ? ["-accel", "kvm", "-cpu", "host"] : ["-accel", "tcg,thread=single"];
  return [
    "qemu-system-x86_64",
    "-name",
    "debvm",
    ...accel,
    "-m",
    "1024",
    "-smp",
    "2",
    // No VGA, CD-ROM or default NIC: less to probe at boot. The monitor is a unix socket in the
    // 0700 run directory: nothing listens on the network but our port.
    "-nodefaults",
    "-no-user-config",
    "-display",
    "none",
    "-serial",
    `file:${launch.consoleLog}`,
    "-monitor",
    `unix:${launch.monitorSocket},server=on,wait=off`,
    "-kernel",
    launch.image.kernel,
    "-initrd",
    launch.image.initrd,
    "-append",
    "root=/dev/vda rw console=ttyS0",
    "-drive",
    `file=${launch.overlayFile},format=qcow2,if=virtio`,
    "-nic",
    `user,model=virtio-net-pci,hostfwd=tcp:127.0.0.1:${launch.port}-:22`,
    // Entropy from the host: sshd and the random seed do not wait for the guest's own pool.
    "-device",
    "virtio-rng-pci",
  ];
}

export interface QemuProcess {
  pid: number;
  /** False once qemu has exited: the child's own exit, never a look at /proc (see startQemu). */
  running(): boolean;
  /** How qemu ended ("exit code 1", "signal SIGKILL"), or undefined while it runs. */
  exitStatus(): string | undefined;
}

export function startQemu(launch: QemuLaunch): QemuProcess {
  const log = openSync(launch.qemuLog, "a");
  const argv = qemuArgv(launch);
  // setpriv --pdeathsig: the kernel kills qemu when this process dies, even by SIGKILL, where no
  // exit hook runs. A persistent VM (scripts/vm.mjs start) must outlive its starter instead.
  const command = launch.persistent ? argv : ["setpriv", "--pdeathsig", "KILL", "--", ...argv];
  const child = spawn(command[0], command.slice(1), { detached: true, stdio: ["ignore", log, log] });
  closeSync(log);
  let status: string | undefined;
  child.on("exit", (code, signal) => (status ??= signal ? `signal ${signal}` : `exit code ${code}`));
  child.on("error", (error) => (status ??= `error ${error.message}`));
  // Never keep the event loop alive for qemu: an unstopped VM is the exit hook's job.
  child.unref();
  if (child.pid === undefined) throw new Error("qemu-system-x86_64 did not start");
  // Our own child: its exit event is the truth, and its pid cannot be reused before Node has reaped
  // it (which is what emits 'exit'). Not isQemuOf(): spawn() returns once setpriv is running, and
  // while setpriv execs qemu the kernel shows an empty /proc/PID/cmdline (until the new program's
  // arguments are set up), so a look at that moment said "exited" about a qemu that was starting.
  // The window is microseconds with qemu in the page cache, milliseconds on a fresh machine where
  // qemu never ran (a cold binary, the disk busy writing the image just built): the first boot after
  // a build failed at once with "the VM exited while waiting for SSH" and empty logs.
  return { pid: child.pid, running: () => status === undefined, exitStatus: () => status };
}

/**
 * True when `pid` is a live qemu using this overlay (guards against pid reuse): for a qemu that is
 * not this process's child (attachVm, stale run dirs, exit hooks). Not while it may still be
 * starting: during its execve the command line reads empty and this says false.
 */
export function isQemuOf(pid: number, overlayFile: string): boolean {
  try {
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0");
    // setpriv runs first under the same pid, then execs qemu: accept both spellings.
    return (
      cmdline.some((arg) => arg.endsWith("qemu-system-x86_64")) &&
      cmdline.some((arg) => arg.includes(overlayFile))
    );
  } catch {
    return false;
  }
}

/** Every process whose command line mentions `path` (an overlay: that boot's qemu; a run dir: also its ssh masters). */
export function processesUsing(path: string): number[] {
  const pids: number[] = [];
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name) || Number(name) === process.pid) continue;
    try {
      if (readFileSync(`/proc/${name}/cmdline`, "utf8").includes(path)) pids.push(Number(name));
    } catch {
      // the process ended while we looked
    }
  }
  return pids;
}

/** A loopback port that is free right now (qemu's bind may still lose a race: bootVm retries). */
export function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() =>
        typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port")),
      );
    });
  });
}

/** Sends one command to qemu's human monitor on its unix socket and waits for its prompt back. */
export function monitorCommand(socket: string, command: string, timeoutMs = 10_000): Promise<void> {
  return new Promise((resolve, reject) => {
    const conn = createConnection(socket);
    let said = "";
    let sent = false;
    const timer = setTimeout(() => {
      conn.destroy();
      reject(new Error(`qemu monitor ${socket}: no answer to ${command} in ${timeoutMs} ms`));
    }, timeoutMs);
    conn.setEncoding("utf8");
    conn.on("data", (chunk: string) => {
      said += chunk;
      // The banner ends in the first prompt; the command is done at the next one.
      const prompts = said.split("(qemu)").length - 1;
      if (!sent && prompts >= 1) {
        sent = true;
        conn.write(`${command}\n`);
      } else if (sent && prompts >= 2) {
        clearTimeout(timer);
        conn.end();
        resolve();
      }
    });
    conn.on("error", (error) => {
      clearTimeout(timer);
      reject(new Error(`qemu monitor ${socket}: ${error.message}`));
    });
  });
}
