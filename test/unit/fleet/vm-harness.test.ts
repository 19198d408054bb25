// The VM harness's pure parts, without booting anything: cache bookkeeping, the files a test points
// nfdebug at (read back with nfdebug's own inventory loader), the qemu and ssh command lines, and how
// a started qemu is judged alive (with a stand-in for qemu).
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadInventory } from "../../../src/inventory/load.js";
import { accessPaths, writeAccessFiles } from "../../fleet/vm/access-files.js";
import {
  BUILD_PREFIX,
  imagePaths,
  readImage,
  recipeHash,
  removeAbandonedBuilds,
} from "../../fleet/vm/image-cache.js";
import { sshArgv } from "../../fleet/vm/openssh.js";
import { isQemuOf, qemuArgv, startQemu } from "../../fleet/vm/qemu.js";
import { RECIPE, RECIPES, releaseFromEnv } from "../../fleet/vm/recipe.js";
import { removeStaleRunDirs } from "../../fleet/vm/stale-runs.js";
import type { VmImage } from "../../fleet/vm/types.js";

const HOST_KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFezBdJDAt6L/Xz34Vh4kvTDEPFxa3DhPjaAjIDmeEbY";

function withTempDir(run: (dir: string) => Promise<void> | void) {
  return async () => {
    const dir = mkdtempSync(join(tmpdir(), "nfdebug-vmunit-"));
    try {
      await run(dir);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
}

test("the recipe hash is stable and changes with any part of the recipe", () => {
  assert.match(recipeHash(), /^[0-9a-f]{16}$/);
  assert.equal(recipeHash(), recipeHash({ ...RECIPE }));
  assert.notEqual(recipeHash(), recipeHash({ ...RECIPE, packages: [...RECIPE.packages, "hping3"] } as never));
  assert.notEqual(recipeHash(), recipeHash({ ...RECIPE, configureScript: `${RECIPE.configureScript}\n` }));
});

// Pinned, so that a recipe change (and the image rebuild it causes in CI) is made on purpose:
// 5e102ec8bae07b24 until tcpdump joined the images for the NFLOG capture, 1ac7eb4df9b2013b until
// prometheus-node-exporter joined them for the window metrics (issue 17).
test("each release has its own recipe hash; bookworm's is pinned", () => {
  assert.equal(recipeHash(RECIPES.bookworm), "a01d9c1357eef428");
  assert.notEqual(recipeHash(RECIPES.trixie), recipeHash(RECIPES.bookworm));
  assert.deepEqual({ ...RECIPES.trixie, suite: "bookworm" }, RECIPES.bookworm);
  assert.equal(releaseFromEnv({}), "bookworm");
  assert.equal(releaseFromEnv({ NFDEBUG_VM_RELEASE: "trixie" }), "trixie");
  assert.throws(() => releaseFromEnv({ NFDEBUG_VM_RELEASE: "sid" }), /bookworm, trixie/);
});

test(
  "a cache directory without its manifest is no image; with it, paths and host key are read",
  withTempDir((root) => {
    const hash = "0123456789abcdef";
    const dir = join(root, hash);
    mkdirSync(dir);
    const paths = imagePaths(dir);
    writeFileSync(paths.hostPublicKeyFile, `${HOST_KEY} debvm\n`);
    assert.equal(readImage(root, hash, "trixie"), undefined);
    writeFileSync(paths.manifest, JSON.stringify({ recipeHash: hash, kernelRelease: "6.1.0-50-amd64" }));
    const image = readImage(root, hash, "trixie");
    assert.equal(image?.disk, join(dir, "disk.img"));
    assert.equal(image?.kernelRelease, "6.1.0-50-amd64");
    assert.equal(image?.release, "trixie");
    assert.equal(image?.hostPublicKey, HOST_KEY);
  }),
);

test(
  "interrupted builds (builder gone) are removed, running ones are kept",
  withTempDir((root) => {
    const gone = spawnSync("true").pid;
    assert.ok(gone);
    const dead = join(root, `${BUILD_PREFIX}${gone}-abc`);
    const live = join(root, `${BUILD_PREFIX}${process.pid}-def`);
    mkdirSync(join(dead, "rootfs"), { recursive: true });
    mkdirSync(live);
    assert.deepEqual(removeAbandonedBuilds(root), [`${BUILD_PREFIX}${gone}-abc`]);
    assert.equal(existsSync(dead), false);
    assert.equal(existsSync(live), true);
  }),
);

test(
  "the inventories load with nfdebug's own loader and known_hosts names this boot's port",
  withTempDir(async (dir) => {
    writeAccessFiles(dir, 45763, HOST_KEY, "/var/cache/nfdebug-vm/x/id_ed25519");
    const paths = accessPaths(dir);
    assert.equal(readFileSync(paths.knownHostsFile, "utf8"), `[127.0.0.1]:45763 ${HOST_KEY}\n`);
    const [root] = (await loadInventory(paths.inventoryFile)).hosts;
    assert.equal(root.name, "debvm");
    assert.equal(root.address, "127.0.0.1");
    assert.equal(root.port, 45763);
    assert.equal(root.user, "root");
    assert.equal(root.become, false);
    assert.deepEqual(root.identityFiles, ["/var/cache/nfdebug-vm/x/id_ed25519"]);
    const [sudo] = (await loadInventory(paths.sudoInventoryFile)).hosts;
    assert.equal(sudo.name, "debvm-sudo");
    assert.equal(sudo.user, "nfdtest");
    assert.equal(sudo.become, true);
    assert.deepEqual(sudo.groups, ["vm", "sudo"]);
  }),
);

test("qemu boots from the overlay, never the cached disk, forwards SSH on loopback only, its monitor a unix socket of the run", () => {
  const image = {
    disk: "/cache/h/disk.img",
    kernel: "/cache/h/vmlinuz",
    initrd: "/cache/h/initrd.img",
  } as VmImage;
  const argv = qemuArgv({
    image,
    overlayFile: "/tmp/run/overlay.qcow2",
    port: 40000,
    accelerator: "tcg",
    consoleLog: "/tmp/run/console.log",
    qemuLog: "/tmp/run/qemu.log",
    monitorSocket: "/tmp/run/monitor.sock",
    persistent: false,
  });
  assert.equal(argv[argv.indexOf("-monitor") + 1], "unix:/tmp/run/monitor.sock,server=on,wait=off");
  assert.ok(!argv.some((arg) => /^(tcp|telnet):/.test(arg)), "no monitor on the network");
  assert.ok(argv.includes("file=/tmp/run/overlay.qcow2,format=qcow2,if=virtio"));
  assert.ok(!argv.some((arg) => arg.includes("disk.img")));
  assert.ok(argv.includes("user,model=virtio-net-pci,hostfwd=tcp:127.0.0.1:40000-:22"));
  assert.deepEqual(argv.slice(argv.indexOf("-m"), argv.indexOf("-m") + 4), ["-m", "1024", "-smp", "2"]);
  // One TCG thread for both vCPUs: with one per vCPU the 6.12 guest oopsed on code patching.
  assert.ok(argv.includes("tcg,thread=single"));
});

test("ssh checks the host key strictly against the boot's known_hosts and ignores user config", () => {
  const argv = sshArgv(
    { port: 40000, identityFile: "/k/id", knownHostsFile: "/r/known_hosts" },
    "nfdtest",
    "id -u",
  );
  const options = argv.flatMap((arg, i) => (argv[i - 1] === "-o" ? [arg] : []));
  assert.ok(options.includes("StrictHostKeyChecking=yes"));
  assert.ok(options.includes("UserKnownHostsFile=/r/known_hosts"));
  assert.ok(options.includes("GlobalKnownHostsFile=/dev/null"));
  assert.ok(options.includes("BatchMode=yes"));
  assert.ok(options.includes("ControlPath=none"));
  assert.deepEqual(argv.slice(1, 3), ["-F", "/dev/null"]);
  assert.deepEqual(argv.slice(-2), ["nfdtest@127.0.0.1", "id -u"]);
  const shared = sshArgv(
    { port: 1, identityFile: "/k", knownHostsFile: "/kh", controlDir: "/r" },
    "root",
    "true",
  );
  assert.ok(shared.includes("ControlPath=/r/cm-root"));
});

test(
  "run dirs of killed test processes are removed after a grace period; young ones are kept",
  withTempDir((parent) => {
    const gone = spawnSync("true").pid;
    const dir = (name: string, ageMinutes: number, withState: boolean) => {
      const path = join(parent, name);
      mkdirSync(path);
      if (withState)
        writeFileSync(join(path, "state.json"), JSON.stringify({ pid: gone, overlayFile: join(path, "o") }));
      const then = new Date(Date.now() - ageMinutes * 60_000);
      utimesSync(path, then, then);
      return path;
    };
    const killed = dir("nfdebug-vm-aaaaaa", 60, true);
    const unreadable = dir("nfdebug-vm-bbbbbb", 60, false);
    const young = dir("nfdebug-vm-cccccc", 1, false);
    const other = dir("something-else", 60, false);
    assert.deepEqual(removeStaleRunDirs(parent).sort(), [killed, unreadable]);
    assert.equal(existsSync(young), true);
    assert.equal(existsSync(other), true);
  }),
);

async function waitFor(condition: () => boolean, what: string): Promise<void> {
  for (const until = Date.now() + 10_000; !condition();) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

test(
  "a started qemu counts as running until it exits, even while /proc does not show it as qemu",
  withTempDir(async (dir) => {
    // While setpriv execs qemu, /proc/PID/cmdline reads empty: the first boot after an image build
    // was declared dead at once. A stand-in whose command line never names qemu or the overlay
    // (`sleep`) stays in that state, so the judgement cannot lean on /proc.
    const bin = join(dir, "bin");
    mkdirSync(bin);
    writeFileSync(join(bin, "qemu-system-x86_64"), "#!/bin/sh\nexec sleep 60\n", { mode: 0o755 });
    const overlayFile = join(dir, "overlay.qcow2");
    const path = process.env.PATH;
    process.env.PATH = `${bin}:${path ?? ""}`;
    try {
      const qemu = startQemu({
        image: { kernel: join(dir, "vmlinuz"), initrd: join(dir, "initrd.img") } as VmImage,
        overlayFile,
        port: 40000,
        accelerator: "tcg",
        consoleLog: join(dir, "console.log"),
        qemuLog: join(dir, "qemu.log"),
        monitorSocket: join(dir, "monitor.sock"),
        persistent: false,
      });
      const cmdline = () => readFileSync(`/proc/${qemu.pid}/cmdline`, "utf8");
      await waitFor(() => cmdline().startsWith("sleep\0"), "the stand-in to exec sleep");
      assert.equal(isQemuOf(qemu.pid, overlayFile), false, "/proc no longer shows qemu");
      assert.equal(qemu.running(), true);
      assert.equal(qemu.exitStatus(), undefined);
      process.kill(qemu.pid, "SIGTERM");
      await waitFor(() => !qemu.running(), "the exit to be seen");
      assert.equal(qemu.exitStatus(), "signal SIGTERM");
    } finally {
      process.env.PATH = path;
    }
  }),
);
