// The Debian VM test host (full fidelity: Debian 12, kernel 6.1, systemd, journald, modules,
// dynamic debug). Build the image once, boot it per test file, stop it in after():
//
//   const vm = await bootVm({ image: await ensureImage() });
//   await vm.run("sysctl -n net.netfilter.nf_conntrack_log_invalid");
//   await vm.stop();
export { ensureImage } from "./build-image.js";
export { bootVm, attachVm } from "./vm.js";
export { recipeHash, defaultCacheRoot, otherImages } from "./image-cache.js";
export { RECIPE, RECIPES, VM_RELEASES, releaseFromEnv, type VmRelease } from "./recipe.js";
export { HOST_TOOL_PACKAGES } from "./host-tools.js";
export { processesUsing } from "./qemu.js";
export {
  sendPackets,
  trackConntrack,
  untrackConntrack,
  VM_PACKET_KINDS,
  type VmPacketKind,
  type VmFlow,
} from "./packets.js";
export { SshCommandError } from "./openssh.js";
export type * from "./types.js";
