// The handle of a booted VM: ssh, reboot, stop. Works the same for a boot of this process and for
// one re-attached from its run directory (then "running" is judged from /proc alone).
import { existsSync, rmSync } from "node:fs";
import type { HostSpec } from "../../../src/inventory/types.js";
import { accessPaths, vmHosts } from "./access-files.js";
import { forgetOnExit } from "./exit-hooks.js";
import { guestOops, guestPanicked, recordGuestFault } from "./guest-faults.js";
import { SshCommandError, closeMasters, runSsh, sleep, waitForSsh, type SshTarget } from "./openssh.js";
import { isQemuOf, monitorCommand, processesUsing } from "./qemu.js";
import { SETTLED, fileTail, runPaths, type VmState } from "./run-state.js";
import type { Accelerator, DebianVm, VmHost, VmSshOptions, VmSshResult, VmUser } from "./types.js";

/** A healthy guest powers off in seconds, even under TCG on a loaded machine. */
const POWER_OFF_MS = 60_000;

export class BootedVm implements DebianVm {
  readonly host: VmHost;
  readonly sudoHost: VmHost;
  readonly inventoryFile: string;
  readonly sudoInventoryFile: string;
  readonly knownHostsFile: string;
  readonly consoleLog: string;
  private stopping: Promise<void> | undefined;

  constructor(
    readonly runDir: string,
    private readonly state: VmState,
    private readonly running: () => boolean,
  ) {
    const hosts = vmHosts(state.port);
    this.host = hosts.root;
    this.sudoHost = hosts.sudo;
    const access = accessPaths(runDir);
    this.inventoryFile = access.inventoryFile;
    this.sudoInventoryFile = access.sudoInventoryFile;
    this.knownHostsFile = access.knownHostsFile;
    this.consoleLog = runPaths(runDir).consoleLog;
  }

  get identityFile(): string {
    return this.state.identityFile;
  }
  get overlayFile(): string {
    return this.state.overlayFile;
  }
  get accelerator(): Accelerator {
    return this.state.accelerator;
  }
  get pid(): number {
    return this.state.pid;
  }
  get bootSeconds(): number {
    return this.state.bootSeconds;
  }

  private get target(): SshTarget {
    return {
      port: this.state.port,
      identityFile: this.state.identityFile,
      knownHostsFile: this.knownHostsFile,
      controlDir: this.runDir,
    };
  }

  hostSpec(user: VmUser = "root"): HostSpec {
    const host = user === "root" ? this.host : this.sudoHost;
    return {
      name: host.name,
      address: host.address,
      port: host.port,
      user: host.user,
      identityFiles: [this.state.identityFile],
      identitiesOnly: true,
      groups: user === "root" ? ["vm"] : ["vm", "sudo"],
      become: user !== "root",
      jump: [],
    };
  }

  ssh(command: string, options?: VmSshOptions): Promise<VmSshResult> {
    return runSsh(this.target, command, options);
  }

  async run(command: string, options?: VmSshOptions): Promise<string> {
    const result = await this.ssh(command, options);
    if (result.code !== 0) throw new SshCommandError(command, result, this.guestState(result.code));
    return result.stdout;
  }

  /** Why ssh itself failed (255), when the guest's console or qemu can tell. */
  private guestState(code: number | null): string | undefined {
    if (code !== 255) return undefined;
    if (!this.running()) return "qemu has exited";
    const oops = guestOops(this.consoleLog);
    return oops ? `the guest kernel oopsed; console from the oops:\n${oops}` : undefined;
  }

  async bootId(): Promise<string> {
    return (await this.run("cat /proc/sys/kernel/random/boot_id")).trim();
  }

  /**
   * Reboots and waits for the new boot. A guest that has not come back after half the time is
   * reset through qemu's monitor, once, and says so with its console's last lines: under TCG on a
   * loaded machine a reboot has hung with no answer on SSH (CI, Debian 13: 300 s of "Connection
   * timed out during banner exchange"). A reset is a reboot too, as far as the tests are concerned:
   * the kernel state they check is gone either way.
   */
  async reboot(
    timeoutMs = 300_000,
    log: (line: string) => void = (line) => process.stderr.write(`[vm] ${line}\n`),
  ): Promise<void> {
    const started = Date.now();
    const before = await this.bootId();
    // --no-block: systemctl returns before sshd goes down, so the command itself does not fail.
    await this.ssh("systemctl --no-block reboot", { timeoutMs: 30_000 });
    await closeMasters(this.target);
    const newBoot = (deadline: number) =>
      waitForSsh(
        this.target,
        "cat /proc/sys/kernel/random/boot_id; systemctl is-system-running || true",
        (out) => !out.startsWith(before) && SETTLED.test(out),
        deadline,
        this.running,
      );
    try {
      await newBoot(started + timeoutMs / 2);
      return;
    } catch (error) {
      if (!this.running()) throw error;
      log(
        `no new boot ${Math.round((Date.now() - started) / 1000)} s after the reboot (${(error as Error).message}); resetting it through qemu's monitor. Console (last lines):\n${fileTail(this.consoleLog, 15)}`,
      );
    }
    await monitorCommand(runPaths(this.runDir).monitorSocket, "system_reset");
    try {
      await newBoot(started + timeoutMs);
    } catch (error) {
      throw new Error(
        `${(error as Error).message} (after a reboot and a reset); console (last lines):\n${fileTail(this.consoleLog, 15)}`,
        { cause: error },
      );
    }
  }

  stop(powerOffMs = POWER_OFF_MS): Promise<void> {
    this.stopping ??= this.shutDown(powerOffMs);
    return this.stopping;
  }

  /**
   * Powers the guest off, or kills qemu when it cannot: at once after a panic, else after
   * `powerOffMs` without a power-off. An oops, or a guest that stopped answering, is printed with the console
   * and recorded for the test runner (guest-faults.ts).
   */
  private async shutDown(powerOffMs: number): Promise<void> {
    const oops = guestOops(this.consoleLog);
    if (oops) {
      process.stderr.write(
        `[vm] the guest kernel oopsed during this boot; console from the oops:\n${oops}\n`,
      );
      recordGuestFault(`${this.runDir}: the guest kernel oopsed`, oops);
    }
    if (this.running()) {
      if (!guestPanicked(this.consoleLog)) {
        await this.ssh("systemctl --no-block poweroff", { timeoutMs: 20_000 }).catch(() => undefined);
        if (!(await this.exited(powerOffMs)) && !oops) this.stoppedAnswering(powerOffMs);
      }
      this.signal("SIGTERM");
      if (!(await this.exited(5_000))) this.signal("SIGKILL");
      await this.exited(5_000);
    }
    await closeMasters(this.target);
    forgetOnExit(this.runDir);
    rmSync(this.runDir, { recursive: true, force: true });
  }

  private stoppedAnswering(powerOffMs: number): void {
    const tail = fileTail(this.consoleLog, 15);
    process.stderr.write(
      `[vm] the guest did not power off within ${powerOffMs / 1000} s; console (last lines):\n${tail}\n`,
    );
    recordGuestFault(
      `${this.runDir}: the guest stopped answering (no power-off within ${powerOffMs / 1000} s)`,
      tail,
    );
  }

  private signal(signal: NodeJS.Signals): void {
    if (!isQemuOf(this.state.pid, this.state.overlayFile)) return;
    try {
      process.kill(this.state.pid, signal);
    } catch {
      // exited meanwhile
    }
  }

  private async exited(withinMs: number): Promise<boolean> {
    const until = Date.now() + withinMs;
    while (this.running()) {
      if (Date.now() >= until) return false;
      await sleep(250);
    }
    return true;
  }

  leftovers(): string[] {
    // The run dir is in qemu's command line (the overlay) and in the ssh masters' (control sockets).
    return [
      ...processesUsing(`${this.runDir}/`).map((pid) => `process ${pid}`),
      ...(existsSync(this.runDir) ? [`dir ${this.runDir}`] : []),
    ];
  }
}
