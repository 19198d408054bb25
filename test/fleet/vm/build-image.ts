// Building the Debian VM image once per recipe: debootstrap a root, configure it, turn it into an
// ext4 disk image without loop mounts, and rename the finished directory into the cache.
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  renameSync,
  openSync,
  fsyncSync,
  closeSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import { runChecked } from "../netns/command.js";
import {
  BUILD_PREFIX,
  defaultCacheRoot,
  imagePaths,
  readImage,
  recipeHash,
  removeAbandonedBuilds,
  type Manifest,
} from "./image-cache.js";
import { RECIPES, releaseFromEnv, type Recipe, type VmRelease } from "./recipe.js";
import { requireHostTools } from "./host-tools.js";
import { runStreamed, unmountBelow } from "./streamed-command.js";
import type { EnsureImageOptions, VmImage } from "./types.js";

export function stderrLog(line: string): void {
  process.stderr.write(`[vm] ${line}\n`);
}

/**
 * The cached image of a release's current recipe (default: $NFDEBUG_VM_RELEASE, else bookworm),
 * built first when missing (2-3 minutes, needs root).
 */
export async function ensureImage(options: EnsureImageOptions = {}): Promise<VmImage> {
  const cacheRoot = options.cacheRoot ?? defaultCacheRoot();
  const log = options.log ?? stderrLog;
  const release = options.release ?? releaseFromEnv();
  const recipe = RECIPES[release];
  const hash = recipeHash(recipe);
  const cached = readImage(cacheRoot, hash, release);
  if (cached) return cached;
  requireHostTools(["debootstrap", "mkfs.ext4", "ssh-keygen", "setpriv"]);
  if (process.getuid?.() !== 0) throw new Error("building the VM image needs root (debootstrap, chroot)");
  mkdirSync(cacheRoot, { recursive: true });
  for (const name of removeAbandonedBuilds(cacheRoot)) log(`removed interrupted build ${name}`);
  const work = mkdtempSync(join(cacheRoot, `${BUILD_PREFIX}${process.pid}-`));
  const started = performance.now();
  log(`building image ${hash} in ${work} (debootstrap ${recipe.suite}, about 2-3 minutes)`);
  try {
    await buildInto(work, join(cacheRoot, "debs"), recipe, hash, log, started);
    return publish(work, cacheRoot, hash, release, log);
  } finally {
    // Reached with `work` still present only when the build failed or lost a race.
    unmountBelow(work);
    rmSync(work, { recursive: true, force: true });
  }
}

async function buildInto(
  work: string,
  debs: string,
  recipe: Recipe,
  hash: string,
  log: (line: string) => void,
  started: number,
) {
  const rootfs = join(work, "rootfs");
  const keys = join(work, "keys");
  mkdirSync(keys);
  mkdirSync(debs, { recursive: true });
  await runChecked([
    "ssh-keygen",
    "-q",
    "-t",
    "ed25519",
    "-N",
    "",
    "-C",
    "debvm",
    "-f",
    join(keys, "ssh_host_ed25519_key"),
  ]);
  await runChecked([
    "ssh-keygen",
    "-q",
    "-t",
    "ed25519",
    "-N",
    "",
    "-C",
    "nfdebug-vm",
    "-f",
    join(keys, "id_ed25519"),
  ]);

  let fetched = 0;
  await runStreamed(
    [
      "debootstrap",
      `--variant=${recipe.variant}`,
      `--include=${recipe.packages.join(",")}`,
      // .debs survive across recipes: a changed config file rebuilds without downloading again.
      `--cache-dir=${debs}`,
      recipe.suite,
      rootfs,
    ],
    (line) => {
      // One line per package and phase is noise; keep the phase headlines and a count.
      if (/^I: Retrieving /.test(line) && ++fetched % 50 === 0)
        log(`debootstrap: ${fetched} packages retrieved`);
      else if (
        /^(I|W|E): /.test(line) &&
        !/^I: (Retrieving|Validating|Extracting|Unpacking|Configuring) /.test(line)
      )
        log(`debootstrap: ${line.slice(3)}`);
    },
  );
  log(`debootstrap done after ${seconds(started)} s; configuring`);
  const script = join(work, "configure.sh");
  writeFileSync(script, recipe.configureScript, { mode: 0o755 });
  await runStreamed(["sh", script, rootfs, keys], (line) => line.trim() && log(`configure: ${line}`));

  const release = kernelRelease(rootfs);
  const paths = imagePaths(work);
  copyFileSync(join(rootfs, "boot", `vmlinuz-${release}`), paths.kernel);
  copyFileSync(join(rootfs, "boot", `initrd.img-${release}`), paths.initrd);
  const packages = await runChecked(["chroot", rootfs, "dpkg-query", "-W"]);
  log(`making the ${recipe.diskSize} ext4 disk image`);
  await runChecked(["mkfs.ext4", "-q", "-F", "-L", "debvm", "-d", rootfs, paths.disk, recipe.diskSize]);
  rmSync(rootfs, { recursive: true, force: true });
  // The host's private key lives only inside the disk image; the user key is needed to log in.
  for (const name of ["id_ed25519", "id_ed25519.pub", "ssh_host_ed25519_key.pub"]) {
    renameSync(join(keys, name), join(work, name));
  }
  rmSync(keys, { recursive: true, force: true });
  rmSync(script);
  const manifest: Manifest = {
    recipeHash: hash,
    suite: recipe.suite,
    kernelRelease: release,
    builtAt: new Date().toISOString(),
    buildSeconds: Number(seconds(started)),
    packages,
  };
  // Written last: readImage() treats a directory without a manifest as no image.
  writeFileSync(paths.manifest, `${JSON.stringify(manifest, null, 2)}\n`);
  // On disk before publish() renames the directory into the cache: after a crash, a published
  // image is whole, never a manifest beside a disk image that was still in the page cache.
  syncDirectory(work);
  log(`image ${hash} built in ${manifest.buildSeconds} s (kernel ${release})`);
}

/** fsync(2) every file in DIR, then DIR itself. */
function syncDirectory(dir: string): void {
  for (const path of [...readdirSync(dir).map((name) => join(dir, name)), dir]) {
    const fd = openSync(path, "r");
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  }
}

function publish(
  work: string,
  cacheRoot: string,
  hash: string,
  release: VmRelease,
  log: (line: string) => void,
): VmImage {
  try {
    renameSync(work, join(cacheRoot, hash));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    // Another process finished the same recipe first: use its image, drop ours (finally above).
    if (code !== "ENOTEMPTY" && code !== "EEXIST") throw error;
    log(`image ${hash} was built by another process meanwhile; using that one`);
  }
  const image = readImage(cacheRoot, hash, release);
  if (!image) throw new Error(`image ${hash} is missing from ${cacheRoot} right after its build`);
  return image;
}

function kernelRelease(rootfs: string): string {
  const kernels = readdirSync(join(rootfs, "boot")).filter((name) => name.startsWith("vmlinuz-"));
  if (kernels.length !== 1)
    throw new Error(`expected one kernel in the image, found ${kernels.join(", ") || "none"}`);
  return kernels[0].slice("vmlinuz-".length);
}

function seconds(since: number): string {
  return ((performance.now() - since) / 1000).toFixed(1);
}
