// What goes into the Debian VM images, one recipe per Debian release. Any change here changes that
// release's recipe hash, and the next ensureImage() builds a new image in a new cache directory
// (the old one is left for other checkouts).

/** Bump when the build steps in build-image.ts change in a way the fields below do not show. */
const BUILD_STEPS_VERSION = 1;

const BOOKWORM = {
  buildStepsVersion: BUILD_STEPS_VERSION,
  suite: "bookworm",
  variant: "minbase",
  // python3 (not just python3-minimal): the shared packet program (test/fleet/netns/packet-program.ts)
  // needs json and random. procps brings sysctl; dbus lets systemctl/systemd-analyze talk to logind.
  packages: [
    "systemd",
    "systemd-sysv",
    "udev",
    "dbus",
    "openssh-server",
    "kmod",
    "linux-image-amd64",
    "nftables",
    "conntrack",
    "iproute2",
    "procps",
    "python3",
    "sudo",
    // The NFLOG capture (kind capture): profiles that bind nfnetlink_log need it.
    "tcpdump",
    // Issue 17: node_exporter's textfile collector shows open windows (/var/lib/prometheus/node-exporter).
    "prometheus-node-exporter",
  ],
  diskSize: "3G",
  kernelAppend: "root=/dev/vda rw console=ttyS0",
  configureScript: String.raw`#!/bin/sh
# Configure the debootstrapped root $1 with the keys in $2 (run on the build machine, as root).
set -eu
R=$1
K=$2
echo debvm > "$R/etc/hostname"
printf '127.0.0.1\tlocalhost\n127.0.1.1\tdebvm\n::1\tlocalhost ip6-localhost ip6-loopback\n' > "$R/etc/hosts"
printf '/dev/vda\t/\text4\trw,errors=remount-ro\t0\t1\n' > "$R/etc/fstab"
# One machine id per image (debootstrap copies the build machine's); boots differ by boot_id.
od -An -N16 -tx1 /dev/urandom | tr -d ' \n' > "$R/etc/machine-id"
echo >> "$R/etc/machine-id"

# systemd-networkd: DHCP on the virtio NIC (qemu user networking answers it).
mkdir -p "$R/etc/systemd/network"
printf '[Match]\nName=en*\n\n[Network]\nDHCP=ipv4\n' > "$R/etc/systemd/network/10-dhcp.network"
W="$R/etc/systemd/system"
mkdir -p "$W/multi-user.target.wants" "$W/sockets.target.wants"
ln -sf /lib/systemd/system/systemd-networkd.service "$W/multi-user.target.wants/systemd-networkd.service"
ln -sf /lib/systemd/system/systemd-networkd.socket "$W/sockets.target.wants/systemd-networkd.socket"

# Nothing in the background that a test did not start: no apt/fstrim/e2scrub timers, no VT gettys.
rm -f "$W"/timers.target.wants/apt-daily.timer "$W"/timers.target.wants/apt-daily-upgrade.timer \
  "$W"/timers.target.wants/dpkg-db-backup.timer "$W"/timers.target.wants/e2scrub_all.timer \
  "$W"/timers.target.wants/fstrim.timer "$W"/multi-user.target.wants/e2scrub_reap.service \
  "$W"/getty.target.wants/getty@tty1.service
ln -sf /dev/null "$W/getty-static.service"

# sshd: the baked-in ed25519 host key only, keys only, quiet login.
rm -f "$R"/etc/ssh/ssh_host_*
install -m 600 "$K/ssh_host_ed25519_key" "$R/etc/ssh/ssh_host_ed25519_key"
install -m 644 "$K/ssh_host_ed25519_key.pub" "$R/etc/ssh/ssh_host_ed25519_key.pub"
cat > "$R/etc/ssh/sshd_config.d/nfdebug.conf" <<'EOF'
HostKey /etc/ssh/ssh_host_ed25519_key
PermitRootLogin prohibit-password
PasswordAuthentication no
UseDNS no
PrintMotd no
PrintLastLog no
EOF
: > "$R/etc/motd"
rm -f "$R/etc/update-motd.d/10-uname"

# root and nfdtest (shell /bin/sh, NOPASSWD sudo) log in with the same key.
install -d -m 700 "$R/root/.ssh"
install -m 600 "$K/id_ed25519.pub" "$R/root/.ssh/authorized_keys"
chroot "$R" useradd --create-home --shell /bin/sh nfdtest
uid=$(chroot "$R" id -u nfdtest)
gid=$(chroot "$R" id -g nfdtest)
install -d -m 700 -o "$uid" -g "$gid" "$R/home/nfdtest/.ssh"
install -m 600 -o "$uid" -g "$gid" "$K/id_ed25519.pub" "$R/home/nfdtest/.ssh/authorized_keys"
echo 'nfdtest ALL=(ALL) NOPASSWD: ALL' > "$R/etc/sudoers.d/nfdtest"
chmod 440 "$R/etc/sudoers.d/nfdtest"

# A small initrd with just what a virtio root needs (36 MB -> 7 MB; decompressing it under TCG is slow).
echo 'MODULES=list' > "$R/etc/initramfs-tools/conf.d/nfdebug-vm"
printf 'virtio_pci\nvirtio_blk\nvirtio_net\next4\n' >> "$R/etc/initramfs-tools/modules"
chroot "$R" update-initramfs -u -k all

rm -rf "$R"/var/cache/apt/archives/*.deb "$R"/var/cache/apt/*.bin "$R"/var/lib/apt/lists/*
`,
} as const;

/** The releases the VM suites run on: the same keys, users, packages and configuration, another kernel. */
export const RECIPES = {
  bookworm: BOOKWORM, // Debian 12, Linux 6.1
  trixie: { ...BOOKWORM, suite: "trixie" }, // Debian 13, Linux 6.12
} as const;

export type VmRelease = keyof typeof RECIPES;
export type Recipe = (typeof RECIPES)[VmRelease];

export const VM_RELEASES = Object.keys(RECIPES) as VmRelease[];
export const DEFAULT_RELEASE: VmRelease = "bookworm";

/** The release named by $NFDEBUG_VM_RELEASE (how scripts/run-tests.mjs runs the VM suites per release). */
export function releaseFromEnv(env: NodeJS.ProcessEnv = process.env): VmRelease {
  const name = env.NFDEBUG_VM_RELEASE || DEFAULT_RELEASE;
  if (!(name in RECIPES))
    throw new Error(`NFDEBUG_VM_RELEASE=${name}: expected one of ${VM_RELEASES.join(", ")}`);
  return name as VmRelease;
}

/** Kept for callers that mean the default release. */
export const RECIPE: Recipe = RECIPES[DEFAULT_RELEASE];
