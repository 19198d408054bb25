// The public shape of the Debian VM test host: the cached image and a booted VM.
import type { HostSpec } from "../../../src/inventory/types.js";
import type { VmRelease } from "./recipe.js";

/** A built image in the cache. Every file here is read-only for boots (they use an overlay). */
export interface VmImage {
  /** The recipe hash this image was built from; also the name of its cache directory. */
  recipeHash: string;
  /** Debian release: "bookworm" (Linux 6.1) or "trixie" (Linux 6.12). */
  release: VmRelease;
  dir: string;
  /** Raw ext4 disk (sparse), the root file system. */
  disk: string;
  kernel: string;
  initrd: string;
  /** Kernel release inside the image, e.g. "6.1.0-50-amd64". */
  kernelRelease: string;
  /** Private key (no passphrase) authorised for root and nfdtest; mode 0600. */
  identityFile: string;
  /** The guest's host key, "ssh-ed25519 AAAA...": baked in, so known_hosts is known before boot. */
  hostPublicKey: string;
}

export interface EnsureImageOptions {
  /** Which release's image; default $NFDEBUG_VM_RELEASE, else "bookworm". */
  release?: VmRelease;
  /** Cache root; default $NFDEBUG_VM_CACHE or /var/cache/nfdebug-vm. */
  cacheRoot?: string;
  /** Progress lines; default: written to stderr with a "[vm]" prefix. */
  log?: (line: string) => void;
}

export type Accelerator = "kvm" | "tcg";

export interface BootOptions {
  image: VmImage;
  /** Where the overlay, console log, known_hosts and inventory go. Must be absent or empty. Default: a temp dir. */
  runDir?: string;
  /** Survive this process (no exit hooks, no parent-death signal); stop later with attachVm(runDir).stop(). */
  persistent?: boolean;
  /** Default: $NFDEBUG_VM_ACCEL, else kvm when a quick probe boots, else tcg. */
  accelerator?: Accelerator;
  /** Boot until SSH answers and systemd settled; default 300 s (TCG on a busy 2-core machine). */
  bootTimeoutMs?: number;
  log?: (line: string) => void;
}

/** Accounts in the image: root (key login) and nfdtest (shell /bin/sh, NOPASSWD sudo). */
export type VmUser = "root" | "nfdtest";

export interface VmSshOptions {
  user?: VmUser;
  /** Sent on the command's stdin. */
  input?: string;
  /** Default 120 s. The ssh client is killed at the deadline and code is null. */
  timeoutMs?: number;
}

export interface VmSshResult {
  stdout: string;
  stderr: string;
  /** Exit status; 255 is ssh's own failure; null when killed at the timeout. */
  code: number | null;
}

/** The VM as inventory entries see it. */
export interface VmHost {
  name: string;
  address: "127.0.0.1";
  port: number;
  user: string;
}

export interface DebianVm {
  /** root@127.0.0.1:PORT, inventory name "debvm". */
  readonly host: VmHost;
  /** nfdtest@127.0.0.1:PORT with become (sudo -n), inventory name "debvm-sudo". */
  readonly sudoHost: VmHost;
  readonly runDir: string;
  /** Inventory with the root host (group "vm"); sudoInventoryFile has the sudo host (groups "vm", "sudo"). */
  readonly inventoryFile: string;
  readonly sudoInventoryFile: string;
  /** "[127.0.0.1]:PORT ssh-ed25519 ..." for this boot's port. */
  readonly knownHostsFile: string;
  readonly identityFile: string;
  /** qcow2 overlay over the cached image, deleted by stop(). */
  readonly overlayFile: string;
  readonly consoleLog: string;
  readonly accelerator: Accelerator;
  /** Pid of qemu-system-x86_64. */
  readonly pid: number;
  /** Seconds from starting qemu to SSH answering and systemd settled. */
  readonly bootSeconds: number;
  /** The host as the engine sees it (src/inventory/types.ts). */
  hostSpec(user?: VmUser): HostSpec;
  /** Run a command through OpenSSH with strict host key checking; resolves whatever the exit status. */
  ssh(command: string, options?: VmSshOptions): Promise<VmSshResult>;
  /** Like ssh() but rejects unless the exit status is 0; resolves with stdout. */
  run(command: string, options?: VmSshOptions): Promise<string>;
  /** /proc/sys/kernel/random/boot_id. */
  bootId(): Promise<string>;
  /** Reboot and wait until SSH answers with a new boot id (a hung reboot is reset once, and logged). */
  reboot(timeoutMs?: number, log?: (line: string) => void): Promise<void>;
  /**
   * Power off (ssh poweroff, then kill qemu when it has not powered off within `powerOffMs`, at once
   * after a panic) and delete the run dir. Idempotent.
   */
  stop(powerOffMs?: number): Promise<void>;
  /** What of this VM still exists ([] after stop): qemu processes using the overlay, the run dir. */
  leftovers(): string[];
}
