// The host scripts against real kernel state in network namespaces of this machine (no SSH here:
// the SSH path is covered by the fleet tests). Checks values with `ip netns exec`, not nfdebug.
import { after, test } from "node:test";
import assert from "node:assert/strict";
import { applyHost, renderApply } from "../../../src/engine/apply.js";
import { revertHost } from "../../../src/engine/revert.js";
import { readFacts } from "../../../src/engine/readFacts.js";
import { planHost } from "../../../src/engine/plan.js";
import { windowStatus } from "../../../src/engine/status.js";
import { extendHost } from "../../../src/engine/extend.js";
import { HostError } from "../../../src/errors.js";
import type { Profile } from "../../../src/profile/types.js";
import { NetnsShell } from "../../support/netnsShell.js";
import { refusedStepPlan } from "../../support/refusedStepPlan.js";
import { hostScriptsVersion, installedHostScript } from "../../../src/engine/host/scripts.js";
import { shQuote } from "../../../src/shell/quote.js";
import type { Connection } from "../../../src/transport/types.js";
import { readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const shells: NetnsShell[] = [];
after(() => shells.forEach((s) => s.destroy()));
function host(): NetnsShell {
  const s = NetnsShell.create("nfdhs");
  shells.push(s);
  return s;
}
const sysctl = (h: NetnsShell, key: string) => h.exec(["sysctl", "-n", key]).trim();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Is PID a watchdog (its command line names expire.sh)? */
function isWatchdog(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").includes("expire.sh");
  } catch {
    return false;
  }
}
async function waitUntil(done: () => boolean, ms = 3000): Promise<void> {
  for (const t0 = Date.now(); !done(); await sleep(50))
    if (Date.now() - t0 > ms) throw new Error(`not within ${ms} ms`);
}
const tcp: Profile = { name: "tcp-invalid", logInvalid: 6, nfLog: { ipv6: "NONE" } };
const req = (profile: Profile, seconds = 60, window = "20261125T120000-0001") => ({
  profile,
  window,
  owner: "tester@ctl",
  windowSeconds: seconds,
});

test("apply sets the values, a second apply changes nothing, revert restores and facts match", async () => {
  const h = host();
  const before = await readFacts(h, tcp);
  const applied = await applyHost(h, req(tcp));
  assert.equal(applied.changed, true);
  assert.deepEqual(applied.changes, [
    { knob: "nf_log", key: "net.netfilter.nf_log.10", from: "nf_log_ipv6", to: "NONE" },
    { knob: "log_invalid", key: "net.netfilter.nf_conntrack_log_invalid", from: "0", to: "6" },
  ]);
  assert.equal(sysctl(h, "net.netfilter.nf_conntrack_log_invalid"), "6");
  assert.equal(sysctl(h, "net.netfilter.nf_log.10"), "NONE");
  const again = await applyHost(h, req(tcp, 60, "20261125T120000-0002"));
  assert.equal(again.changed, false);
  assert.equal(again.window, "20261125T120000-0001", "the open window is kept");
  const reverted = await revertHost(h, { force: false });
  assert.equal(reverted.changed, true);
  assert.equal(sysctl(h, "net.netfilter.nf_conntrack_log_invalid"), "0");
  assert.equal(sysctl(h, "net.netfilter.nf_log.10"), "nf_log_ipv6");
  const afterFacts = await readFacts(h, tcp);
  assert.deepEqual(afterFacts.sysctl, {
    ...before.sysctl,
    nf_conntrack_count: afterFacts.sysctl.nf_conntrack_count,
  });
  assert.equal(afterFacts.window, null);
  assert.equal(windowStatus(afterFacts).last?.how, "reverted");
});

test("a second window with another profile is refused, naming the open one", async () => {
  const h = host();
  await applyHost(h, req(tcp));
  await assert.rejects(
    applyHost(h, req({ name: "udp", logInvalid: 17 }, 60, "20261125T120000-0003")),
    (err: HostError) => {
      assert.equal(err.kind, "locked");
      assert.match(
        err.message,
        /window 20261125T120000-0001 \(profile tcp-invalid\) is open, owned by tester@ctl, expires /,
      );
      return true;
    },
  );
  assert.equal(sysctl(h, "net.netfilter.nf_conntrack_log_invalid"), "6");
  await revertHost(h, { force: false });
});

test("drift: a value changed by someone else is left alone and reported; --force restores it", async () => {
  const h = host();
  await applyHost(h, req(tcp));
  h.exec(["sysctl", "-w", "net.netfilter.nf_conntrack_log_invalid=17"]);
  await assert.rejects(revertHost(h, { force: false }), (err: HostError) => {
    assert.equal(err.kind, "drift");
    assert.match(err.message, /net\.netfilter\.nf_conntrack_log_invalid is 17 \(nfdebug set 6\)/);
    return true;
  });
  assert.equal(sysctl(h, "net.netfilter.nf_conntrack_log_invalid"), "17", "left alone");
  assert.equal(sysctl(h, "net.netfilter.nf_log.10"), "nf_log_ipv6", "the rest was restored");
  const forced = await revertHost(h, { force: true });
  assert.equal(forced.ok, true);
  assert.equal(sysctl(h, "net.netfilter.nf_conntrack_log_invalid"), "0");
  assert.equal((await readFacts(h)).window, null);
});

test("a failing step rolls back the steps already done on that host", async () => {
  const h = host();
  const plan = refusedStepPlan();
  const result = await h.runScript(renderApply(req(tcp), plan));
  assert.match(result.stdout, /@@fail\tremote\twriting nf_log_nosuch to net\/netfilter\/nf_log\/2 failed/);
  assert.match(
    result.stdout,
    /@@rollback-restored\tsysctl:log_invalid\tnet\/netfilter\/nf_conntrack_log_invalid\t6\t0/,
  );
  assert.equal(result.code, 6);
  assert.equal(sysctl(h, "net.netfilter.nf_conntrack_log_invalid"), "0");
  assert.equal((await readFacts(h)).window, null, "no window left open");
});

test("the watchdog reverts at expiry with no controller, and follows an extension", async () => {
  const h = host();
  const opened = await applyHost(h, req(tcp, 2));
  assert.equal(opened.state === "opened" && opened.timer, "watchdog");
  const extended = await extendHost(h, "20261125T120000-0001", 4);
  assert.equal(extended.changed, true);
  await sleep(2500);
  assert.equal(
    sysctl(h, "net.netfilter.nf_conntrack_log_invalid"),
    "6",
    "extended: still open after the first expiry",
  );
  await sleep(3500);
  assert.equal(sysctl(h, "net.netfilter.nf_conntrack_log_invalid"), "0", "reverted by the host itself");
  const status = windowStatus(await readFacts(h));
  assert.equal(status.open, null);
  assert.equal(status.last?.how, "expired");
});

test("extend replaces the watchdog: the old one ends, the new one sleeps until the new expiry", async () => {
  const h = host();
  await applyHost(h, req(tcp, 60));
  const first = (await readFacts(h)).window?.watchdogPid;
  assert.ok(first && isWatchdog(first), "apply started a watchdog");
  await extendHost(h, "20261125T120000-0001", 120);
  const second = (await readFacts(h)).window?.watchdogPid;
  assert.ok(second && second !== first, "the window names a new watchdog");
  assert.match(
    readFileSync(`/proc/${second}/cmdline`, "utf8").replace(/\0/g, " "),
    /expire\.sh watch 20261125T120000-0001 120 $/,
  );
  await waitUntil(() => !isWatchdog(first));
  await revertHost(h, { force: false });
  await waitUntil(() => !isWatchdog(second));
});

test("revert.sh and expire.sh are installed once: a later apply leaves them alone, a stale copy is replaced", async () => {
  const h = host();
  const file = join(h.dir, "run", "nfdebug", "s", hostScriptsVersion(), "revert.sh");
  await applyHost(h, req(tcp));
  const installed = statSync(file).ino;
  await revertHost(h, { force: false });
  await applyHost(h, req(tcp, 60, "20261125T120000-0002"));
  assert.equal(statSync(file).ino, installed, "not written again (a rewrite renames a new file over it)");
  await revertHost(h, { force: false });
  writeFileSync(file, "# nfdebug revert.sh 0000000000000000\nexit 9\n");
  await applyHost(h, req(tcp, 60, "20261125T120000-0003"));
  assert.match(readFileSync(file, "utf8").split("\n")[0], /^# nfdebug revert\.sh [0-9a-f]{16}$/);
  assert.notEqual(statSync(file).ino, installed);
  const reverted = await revertHost(h, { force: false });
  assert.equal(reverted.changed, true);
  assert.equal(sysctl(h, "net.netfilter.nf_conntrack_log_invalid"), "0");
});

/** The host, recording the script each apply sent after the facts (its follow-up). */
function recordingFollowUps(h: NetnsShell, sent: string[]): Connection {
  return {
    host: h.host,
    close: () => h.close(),
    runScript: (script, options) =>
      h.runScript(
        script,
        options?.followUp
          ? {
              ...options,
              followUp: {
                ...options.followUp,
                next: async (out) => {
                  const next = await options.followUp!.next(out);
                  if (next !== null) sent.push(next);
                  return next;
                },
              },
            }
          : options,
      ),
  };
}

test("apply sends revert.sh and expire.sh only when the facts found them missing or different", async () => {
  const h = host();
  const sent: string[] = [];
  const conn = recordingFollowUps(h, sent);
  // As sent: one quoted argument of nfd_script_install.
  const revertBody = shQuote(installedHostScript("revert.sh"));
  await applyHost(conn, req(tcp));
  await revertHost(h, { force: false });
  await applyHost(conn, req(tcp, 60, "20261125T120000-0002"));
  assert.equal(sent.length, 2);
  assert.ok(sent[0].includes(revertBody), "the first apply installs revert.sh");
  assert.ok(!sent[1].includes(revertBody), "the second one does not send it again");
  const expireBody = shQuote(installedHostScript("expire.sh"));
  assert.ok(!sent[1].includes(expireBody), "nor expire.sh");
  assert.ok(sent[1].length < sent[0].length - revertBody.length, `${sent[1].length} vs ${sent[0].length}`);
  // Replaced between the facts and the apply (another nfdebug version): refuse, change nothing.
  await revertHost(h, { force: false });
  const file = join(h.dir, "run", "nfdebug", "s", hostScriptsVersion(), "revert.sh");
  const racing: Connection = {
    ...conn,
    runScript: (script, options) =>
      conn.runScript(script, {
        ...options,
        followUp: options?.followUp && {
          ...options.followUp,
          next: (out) => {
            writeFileSync(file, "# nfdebug revert.sh 0000000000000000\nexit 9\n");
            return options.followUp!.next(out);
          },
        },
      }),
  };
  await assert.rejects(applyHost(racing, req(tcp, 60, "20261125T120000-0003")), /changed since the facts/);
  assert.equal(sysctl(h, "net.netfilter.nf_conntrack_log_invalid"), "0");
});

test("two concurrent applies of different profiles: exactly one wins", async () => {
  const h = host();
  const results = await Promise.allSettled([
    applyHost(h, req(tcp, 60, "20261125T120000-000a")),
    applyHost(h, req({ name: "udp", logInvalid: 17 }, 60, "20261125T120000-000b")),
  ]);
  const won = results.filter((r) => r.status === "fulfilled");
  assert.equal(
    won.length,
    1,
    JSON.stringify(results.map((r) => (r.status === "rejected" ? String(r.reason) : "ok"))),
  );
  const lost = results.find((r) => r.status === "rejected") as PromiseRejectedResult;
  assert.ok(["locked", "drift"].includes((lost.reason as HostError).kind), String(lost.reason));
  const value = sysctl(h, "net.netfilter.nf_conntrack_log_invalid");
  assert.ok(value === "6" || value === "17");
  await revertHost(h, { force: false });
  assert.equal(sysctl(h, "net.netfilter.nf_conntrack_log_invalid"), "0");
});

test("two concurrent applies of the same profile: one opens the window, the other joins it unchanged", async () => {
  const h = host();
  const results = await Promise.all([
    applyHost(h, req(tcp, 60, "20261125T120000-000c")),
    applyHost(h, req(tcp, 60, "20261125T120000-000d")),
  ]);
  assert.equal(results.filter((r) => r.changed).length, 1, JSON.stringify(results));
  assert.equal(results[0].window, results[1].window, "both report the one window");
  assert.equal(sysctl(h, "net.netfilter.nf_conntrack_log_invalid"), "6");
  await revertHost(h, { force: false });
  assert.equal(sysctl(h, "net.netfilter.nf_conntrack_log_invalid"), "0");
  assert.equal(sysctl(h, "net.netfilter.nf_log.10"), "nf_log_ipv6");
});

test("logger names in another letter case: the kernel binds its own spelling, and nothing is planned again", async () => {
  const h = host();
  const shouting: Profile = { name: "shouting", nfLog: { ipv4: "NFNETLINK_LOG", ipv6: "NF_LOG_IPV6" } };
  const applied = await applyHost(h, req(shouting));
  // ipv6 is already nf_log_ipv6: no change planned for it.
  assert.deepEqual(applied.changes, [
    { knob: "nf_log", key: "net.netfilter.nf_log.2", from: "nf_log_ipv4", to: "nfnetlink_log" },
  ]);
  assert.equal(sysctl(h, "net.netfilter.nf_log.2"), "nfnetlink_log");
  assert.deepEqual(planHost(shouting, await readFacts(h, shouting)).changes, []);
  await revertHost(h, { force: false });
  assert.equal(sysctl(h, "net.netfilter.nf_log.2"), "nf_log_ipv4");
});
