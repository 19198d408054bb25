#!/usr/bin/env node
// Build, start, use and stop the Debian VM test host by hand (root only). Build first: npm run build.
//
//   node scripts/vm.mjs build [--release R]     build the image of every release (or of R) (cached)
//   node scripts/vm.mjs start [--dir .vm]       boot it in the background; prints inventory and ssh line
//   node scripts/vm.mjs ssh [--user nfdtest] [-- COMMAND...]   run a command (or a login shell)
//   node scripts/vm.mjs status                  is it running, where, which port
//   node scripts/vm.mjs stop                    power it off and delete the overlay
//   node scripts/vm.mjs record-fixtures         boot, record test/fixtures/debian-<kernel>/, stop
//   node scripts/vm.mjs prune                   delete cached images of older recipes
//   node scripts/vm.mjs recipe-hash             print the current recipe hashes (a CI cache key)
//
// --release bookworm|trixie (default $NFDEBUG_VM_RELEASE, else bookworm) picks the Debian release
// for start and record-fixtures: Debian 12 (Linux 6.1) or Debian 13 (Linux 6.12).
import { spawnSync } from "node:child_process";
import { performance } from "node:perf_hooks";
import { existsSync, rmSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { parseArgs } from "node:util";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const compiled = join(root, "dist", "test", "fleet", "vm", "index.js");
if (!existsSync(compiled)) {
  console.error(`vm: ${relative(process.cwd(), compiled)} is missing; run \`npm run build\` first`);
  process.exit(1);
}
const vmlib = await import(pathToFileURL(compiled).href);

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    dir: { type: "string", default: join(root, ".vm") },
    user: { type: "string", default: "root" },
    release: { type: "string" },
    out: { type: "string" },
    help: { type: "boolean", short: "h", default: false },
  },
});
const [command, ...rest] = positionals;
const rel = (path) => relative(process.cwd(), path) || ".";
const release = vmlib.releaseFromEnv(values.release ? { NFDEBUG_VM_RELEASE: values.release } : process.env);

function usage() {
  console.log(
    "usage: node scripts/vm.mjs build|start|ssh|status|stop|record-fixtures|prune|recipe-hash [--dir .vm]\n" +
      "  ssh [--user root|nfdtest] [-- COMMAND...]   record-fixtures [--out test/fixtures/debian-6.1]\n" +
      `  --release ${vmlib.VM_RELEASES.join("|")} (build: default every release)`,
  );
}

async function start() {
  const image = await vmlib.ensureImage({ release });
  const vm = await vmlib.bootVm({ image, runDir: values.dir, persistent: true });
  console.log(
    `VM ${vm.host.name} up in ${vm.bootSeconds}s (${vm.accelerator}, pid ${vm.pid}) in ${rel(vm.runDir)}`,
  );
  console.log(`inventory:    ${rel(vm.inventoryFile)}   (sudo user: ${rel(vm.sudoInventoryFile)})`);
  console.log(`known_hosts:  ${rel(vm.knownHostsFile)}`);
  console.log(`identity:     ${vm.identityFile}`);
  console.log(
    `\nssh:      ssh -F /dev/null -o UserKnownHostsFile=${rel(vm.knownHostsFile)} -i ${vm.identityFile} -p ${vm.host.port} root@127.0.0.1`,
  );
  console.log(`nfdebug:  nfdebug facts -i ${rel(vm.inventoryFile)} --known-hosts ${rel(vm.knownHostsFile)}`);
  console.log(
    `stop:     node scripts/vm.mjs stop${values.dir === join(root, ".vm") ? "" : ` --dir ${rel(vm.runDir)}`}`,
  );
}

function ssh() {
  const vm = vmlib.attachVm(values.dir);
  if (values.user !== "root" && values.user !== "nfdtest") throw new Error("--user must be root or nfdtest");
  // Interactive: hand the terminal to OpenSSH itself, with the same strict host key checking.
  const args = [
    "-F",
    "/dev/null",
    "-i",
    vm.identityFile,
    "-o",
    "IdentitiesOnly=yes",
    "-o",
    `UserKnownHostsFile=${vm.knownHostsFile}`,
    "-o",
    "GlobalKnownHostsFile=/dev/null",
    "-o",
    "StrictHostKeyChecking=yes",
    "-o",
    "LogLevel=ERROR",
    "-p",
    String(vm.host.port),
    ...(rest.length === 0 ? ["-t"] : []),
    `${values.user}@127.0.0.1`,
    ...rest,
  ];
  const result = spawnSync("ssh", args, { stdio: "inherit" });
  process.exitCode = result.status ?? 1;
}

async function status() {
  if (!existsSync(join(values.dir, "state.json"))) {
    console.log(`no VM in ${rel(values.dir)}`);
    return;
  }
  const vm = vmlib.attachVm(values.dir);
  const running = vm.leftovers().some((item) => item.startsWith("process "));
  console.log(
    `${running ? "running" : "NOT running (stale state: run stop)"}: pid ${vm.pid}, ssh 127.0.0.1:${vm.host.port}, ${vm.accelerator}, dir ${rel(vm.runDir)}`,
  );
  if (running) console.log(`kernel ${(await vm.run("uname -r")).trim()}, boot id ${await vm.bootId()}`);
}

async function stop() {
  if (!existsSync(join(values.dir, "state.json"))) {
    console.log(`no VM in ${rel(values.dir)}`);
    rmSync(values.dir, { recursive: true, force: true });
    return;
  }
  const vm = vmlib.attachVm(values.dir);
  await vm.stop();
  const left = vm.leftovers();
  console.log(left.length === 0 ? "stopped; overlay and run dir removed" : `left behind: ${left.join(", ")}`);
  if (left.length > 0) process.exitCode = 1;
}

async function recordFixtures() {
  const recorder = await import(
    pathToFileURL(join(root, "dist", "test", "fleet", "vm", "fixture-recorder.js")).href
  );
  const image = await vmlib.ensureImage({ release });
  const vm = await vmlib.bootVm({ image });
  try {
    const kernel = (await vm.run("uname -r")).trim().split(".").slice(0, 2).join(".");
    const out = values.out ?? join(root, "test", "fixtures", `debian-${kernel}`);
    const files = await recorder.recordFixtures(vm, out);
    console.log(`wrote ${files.length} files to ${rel(out)}`);
  } finally {
    await vm.stop();
  }
}

const currentHashes = () => vmlib.VM_RELEASES.map((name) => vmlib.recipeHash(vmlib.RECIPES[name]));

function prune() {
  const keep = currentHashes();
  for (const dir of vmlib.otherImages(vmlib.defaultCacheRoot(), keep)) {
    rmSync(dir, { recursive: true, force: true });
    console.log(`removed ${dir}`);
  }
  for (const hash of keep) console.log(`kept ${join(vmlib.defaultCacheRoot(), hash)} (current recipe)`);
}

const commands = {
  build: async () => {
    // One after the other: two debootstraps at once only compete for the same 2 cores and disk.
    for (const name of values.release ? [release] : vmlib.VM_RELEASES) {
      const started = performance.now();
      const image = await vmlib.ensureImage({ release: name });
      const took = ((performance.now() - started) / 1000).toFixed(1);
      console.log(
        `${name}: image ${image.recipeHash} (kernel ${image.kernelRelease}) in ${image.dir} (${took} s)`,
      );
    }
  },
  start,
  ssh,
  status,
  stop,
  "record-fixtures": recordFixtures,
  prune,
  "recipe-hash": () => console.log(currentHashes().join("\n")),
};

if (values.help || !command || !(command in commands)) {
  usage();
  process.exit(values.help ? 0 : 1);
}
try {
  await commands[command]();
} catch (error) {
  console.error(`vm ${command}: ${error instanceof Error ? error.message : error}`);
  process.exit(1);
}
