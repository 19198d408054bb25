// The log budget's kernel log reader at the start of a window, on namespace hosts with the real
// host scripts (no SSH). A reader starts at the oldest record of the ring buffer; when the buffer
// is full, each new record drops the oldest one, and a reader still catching up loses its place and
// ends with EPIPE. That happened on CI (twenty hosts' readers starting together while their applies
// logged), and the window then tripped as `overrun` at its first sample with 0 lines counted,
// though nothing of the window had gone uncounted. Here `cat` is replaced for the host's scripts by
// one that fails on /dev/kmsg as such a reader does, a chosen number of times.
import { after, test } from "node:test";
import assert from "node:assert/strict";
import { chmodSync, copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { applyHost } from "../../../src/engine/apply.js";
import { revertHost } from "../../../src/engine/revert.js";
import type { Profile } from "../../../src/profile/types.js";
import { NetnsShell } from "../../support/netnsShell.js";
import { readKeyValueFile } from "../../support/keyValueFile.js";

const shells: NetnsShell[] = [];
after(() => shells.forEach((s) => s.destroy()));

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const sysctl = (h: NetnsShell, key: string) => h.exec(["sysctl", "-n", key]).trim();

/** Sampled every second, with limits no test line reaches. */
const profile: Profile = {
  name: "budget-reader",
  logInvalid: 6,
  budget: { max: 1_000_000, perSeconds: 1, maxLines: 100_000_000, intervalSeconds: 1 },
};
let serial = 0;
const req = () => ({
  profile,
  window: `20261206T210000-${(++serial).toString(16).padStart(4, "0")}`,
  owner: "tester@ctl",
  windowSeconds: 120,
});

/**
 * A host whose `cat` fails on /dev/kmsg the first `failures` times ("Broken pipe", exit 1, as a
 * reader that lost its place does), and is the real cat otherwise. The real one is kept as
 * DIR/bin/cat, so that a reader still shows as `cat` in /proc/PID/stat.
 */
function hostWithFailingReader(failures: number): { h: NetnsShell; failed: () => number } {
  const h = NetnsShell.create("nfdbr");
  shells.push(h);
  mkdirSync(join(h.dir, "bin"), { recursive: true });
  copyFileSync("/usr/bin/cat", join(h.dir, "bin", "cat"));
  chmodSync(join(h.dir, "bin", "cat"), 0o755);
  const count = join(h.dir, "kmsg-failures");
  const shim = join(h.dir, "cat-shim");
  writeFileSync(
    shim,
    `#!/bin/sh
if [ "$1" = /dev/kmsg ]; then
  n=0
  [ -f ${count} ] && read -r n < ${count}
  if [ "$n" -lt ${failures} ]; then
    echo $((n + 1)) > ${count}
    echo "cat: /dev/kmsg: Broken pipe" >&2
    exit 1
  fi
fi
exec ${join(h.dir, "bin", "cat")} "$@"
`,
  );
  chmodSync(shim, 0o755);
  h.binds.set("/usr/bin/cat", shim);
  return {
    h,
    failed: () => (existsSync(count) ? Number(readFileSync(count, "utf8").trim()) : 0),
  };
}

/** $J/budget as key=value pairs ({} when there is none). */
const budgetFile = (h: NetnsShell) => readKeyValueFile(join(h.dir, "run", "nfdebug", "budget")) ?? {};
const windowOpen = (h: NetnsShell) => existsSync(join(h.dir, "run", "nfdebug", "window"));
/** The host's window history (opened/closed lines, a trip with its measure). */
const history = (h: NetnsShell) => readFileSync(join(h.dir, "var-lib", "nfdebug", "windows.log"), "utf8");

test("a reader that loses its place while catching up is replaced: the window counts on and does not trip", async () => {
  const { h, failed } = hostWithFailingReader(2);
  assert.equal((await applyHost(h, req())).changed, true);
  // Several samples (every second): a dead reader would trip the window at the first.
  await sleep(4000);
  assert.doesNotMatch(history(h), /\ttripped\t/, "the window did not trip");
  assert.ok(windowOpen(h), "the window is still open");
  const budget = budgetFile(h);
  assert.equal(budget.unenforced, undefined, `enforced: ${JSON.stringify(budget)}`);
  assert.ok(Number(budget.lines) >= 0, `counting: ${JSON.stringify(budget)}`);
  assert.equal(failed(), 2, "two readers failed before the third caught up");
  assert.equal(sysctl(h, "net.netfilter.nf_conntrack_log_invalid"), "6");
  await revertHost(h, { force: false });
  assert.equal(sysctl(h, "net.netfilter.nf_conntrack_log_invalid"), "0");
  assert.equal(windowOpen(h), false);
});

test("a kernel log no reader can catch up with: the window opens without a budget and says why", async () => {
  const { h, failed } = hostWithFailingReader(1000);
  assert.equal((await applyHost(h, req())).changed, true);
  await sleep(2000);
  assert.equal(failed(), 5, "five readers tried");
  const budget = budgetFile(h);
  assert.equal(
    budget.unenforced,
    "the kernel log moved faster than a reader could catch up with it (5 tries)",
    JSON.stringify(budget),
  );
  assert.doesNotMatch(history(h), /\ttripped\t/);
  assert.ok(windowOpen(h), "open, its expiry still enforced by the switch");
  await revertHost(h, { force: false });
  assert.equal(sysctl(h, "net.netfilter.nf_conntrack_log_invalid"), "0");
  assert.equal(windowOpen(h), false);
});
