// Where built images live: one directory per recipe hash, outside the repository, shared by every
// checkout on the machine. A directory named after a hash exists only once its build completed
// (builds happen in ".build-<pid>-..." and are renamed into place), so its presence means "good".
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { RECIPE, type Recipe, type VmRelease } from "./recipe.js";
import { unmountBelow } from "./streamed-command.js";
import type { VmImage } from "./types.js";

export const MANIFEST = "manifest.json";
export const BUILD_PREFIX = ".build-";

export function defaultCacheRoot(): string {
  return process.env.NFDEBUG_VM_CACHE || "/var/cache/nfdebug-vm";
}

export function recipeHash(recipe: Recipe = RECIPE): string {
  return createHash("sha256").update(JSON.stringify(recipe)).digest("hex").slice(0, 16);
}

/** The files of an image directory, by name. */
export function imagePaths(dir: string) {
  return {
    disk: join(dir, "disk.img"),
    kernel: join(dir, "vmlinuz"),
    initrd: join(dir, "initrd.img"),
    identityFile: join(dir, "id_ed25519"),
    hostPublicKeyFile: join(dir, "ssh_host_ed25519_key.pub"),
    manifest: join(dir, MANIFEST),
  };
}

export interface Manifest {
  recipeHash: string;
  /** Debian release the image was debootstrapped from (absent in manifests written before it was recorded). */
  suite?: string;
  kernelRelease: string;
  builtAt: string;
  buildSeconds: number;
  /** `dpkg-query -W` of the image: package and version, one a line. */
  packages: string;
}

/** The image for `hash` (a recipe of `release`) when its build completed, else undefined. */
export function readImage(cacheRoot: string, hash: string, release: VmRelease): VmImage | undefined {
  const dir = join(cacheRoot, hash);
  const paths = imagePaths(dir);
  if (!existsSync(paths.manifest)) return undefined;
  const manifest = JSON.parse(readFileSync(paths.manifest, "utf8")) as Manifest;
  return {
    recipeHash: hash,
    release,
    dir,
    disk: paths.disk,
    kernel: paths.kernel,
    initrd: paths.initrd,
    kernelRelease: manifest.kernelRelease,
    identityFile: paths.identityFile,
    hostPublicKey: readFileSync(paths.hostPublicKeyFile, "utf8").trim().split(" ").slice(0, 2).join(" "),
  };
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Remove build directories whose builder died (interrupted builds); returns their names. */
export function removeAbandonedBuilds(cacheRoot: string): string[] {
  if (!existsSync(cacheRoot)) return [];
  const removed: string[] = [];
  for (const name of readdirSync(cacheRoot)) {
    if (!name.startsWith(BUILD_PREFIX)) continue;
    const pid = Number(name.slice(BUILD_PREFIX.length).split("-")[0]);
    if (Number.isInteger(pid) && pid > 0 && isAlive(pid)) continue;
    unmountBelow(join(cacheRoot, name));
    rmSync(join(cacheRoot, name), { recursive: true, force: true });
    removed.push(name);
  }
  return removed;
}

/** Complete images in the cache other than `keep` (older recipes), for `scripts/vm.mjs prune`. */
export function otherImages(cacheRoot: string, keep: readonly string[]): string[] {
  if (!existsSync(cacheRoot)) return [];
  return readdirSync(cacheRoot)
    .filter((name) => /^[0-9a-f]{16}$/.test(name) && !keep.includes(name))
    .map((name) => join(cacheRoot, name));
}
