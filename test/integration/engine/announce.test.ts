// Window events in the host's own log (announce.sh, `logger -t nfdebug`), on network namespace
// hosts whose logger reaches a syslog socket the test binds at /dev/log (this machine has no
// journald). Each test uses its own window id, so lines of other tests' hosts do not count.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { applyHost, renderApply } from "../../../src/engine/apply.js";
import { revertHost } from "../../../src/engine/revert.js";
import { extendHost } from "../../../src/engine/extend.js";
import { cancelScript } from "../../../src/engine/host/scripts.js";
import type { Profile } from "../../../src/profile/types.js";
import { NetnsShell } from "../../support/netnsShell.js";
import { refusedStepPlan } from "../../support/refusedStepPlan.js";
import { DEV_LOG, SyslogSocket, deadSyslogSocket } from "../../support/syslogSocket.js";

const shells: NetnsShell[] = [];
let syslog: SyslogSocket | null = null;
before(async () => {
  syslog = await SyslogSocket.start();
});
after(() => {
  shells.forEach((s) => s.destroy());
  syslog?.stop();
});
function host(): NetnsShell {
  const s = NetnsShell.create("nfdan");
  shells.push(s);
  return s;
}
const sysctl = (h: NetnsShell, key: string) => h.exec(["sysctl", "-n", key]).trim();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const tcp: Profile = { name: "tcp-invalid", logInvalid: 6, nfLog: { ipv6: "NONE" } };
const req = (window: string, seconds = 60) => ({
  profile: tcp,
  window,
  owner: "tester@ctl",
  windowSeconds: seconds,
});
const CHANGES = [
  'sysctl:nf_log "net/netfilter/nf_log/10" "nf_log_ipv6"->"NONE"',
  'sysctl:log_invalid "net/netfilter/nf_conntrack_log_invalid" "0"->"6"',
];
/** The knobs as applied (open, extend), and as a revert names them: in the order it undid them. */
const KNOBS = `knobs=${CHANGES.join(", ")}`;
const UNDONE = `knobs=${[...CHANGES].reverse().join(", ")}`;

/** The announced lines of WINDOW, once there are `count` of them (logger may lag its caller). */
async function announced(window: string, count: number): Promise<string[]> {
  const mine = () => syslog!.tagged("nfdebug").filter((m) => m.startsWith(`window ${window} `));
  for (let i = 0; i < 200 && mine().length < count; i++) await sleep(50);
  return mine();
}
/** A test that needs the test's own syslog socket: skipped where a real one owns /dev/log. */
function withSyslog(name: string, body: () => Promise<void>): void {
  test(name, async (t) => {
    if (!syslog) return t.skip("/dev/log exists on this machine: a real syslog, not the test's");
    await body();
  });
}

withSyslog(
  "open, extend and revert each write one line: window id, profile, owner, expiry and the knobs",
  async () => {
    const h = host();
    const id = "20261206T050000-a001";
    const opened = await applyHost(h, req(id));
    assert.equal(opened.changed, true);
    const extended = await extendHost(h, id, 120);
    assert.equal(extended.changed, true);
    await revertHost(h, { force: false });
    const lines = await announced(id, 3);
    assert.equal(lines.length, 3, lines.join("\n"));
    const [open, extend, revert] = lines;
    assert.match(
      open,
      new RegExp(`^window ${id} open: profile=tcp-invalid owner=tester@ctl expires=\\d+ ${KNOBS}$`),
    );
    assert.match(
      extend,
      new RegExp(`^window ${id} extend: profile=tcp-invalid owner=tester@ctl expires=\\d+ ${KNOBS}$`),
    );
    // The expiry moved by the extension; the revert names the changes it undid.
    const expiry = (l: string) => Number(/expires=(\d+)/.exec(l)![1]);
    assert.ok(expiry(extend) > expiry(open), "extend names the new expiry");
    assert.match(
      revert,
      new RegExp(`^window ${id} reverted: profile=tcp-invalid owner=tester@ctl expires=\\d+ ${UNDONE}$`),
    );
  },
);

withSyslog(
  "expiry by the dead-man's switch, a cancel and an apply's rollback are announced with their names",
  async () => {
    const [a, b, c] = [host(), host(), host()];
    const expiring = "20261206T050000-a002";
    await applyHost(a, req(expiring, 1));
    const [, expired] = await announced(expiring, 2);
    assert.match(expired ?? "", new RegExp(`^window ${expiring} expired: profile=tcp-invalid .* ${UNDONE}$`));
    assert.equal(sysctl(a, "net.netfilter.nf_conntrack_log_invalid"), "0");

    const cancelled = "20261206T050000-a003";
    await applyHost(b, req(cancelled));
    const result = await b.runScript(cancelScript(cancelled));
    assert.match(result.stdout, /@@revert\tdone\t/);
    assert.match((await announced(cancelled, 2))[1] ?? "", new RegExp(`^window ${cancelled} cancelled: `));

    // A step the kernel refuses (no such logger): the step before it is rolled back.
    const rolled = "20261206T050000-a004";
    const plan = refusedStepPlan();
    assert.equal((await c.runScript(renderApply(req(rolled), plan))).code, 6);
    const lines = await announced(rolled, 1);
    // Both journal lines are undone: each is journaled before its write, the failed one too.
    assert.deepEqual(
      lines.map((l) => l.replace(/expires=\d+/, "expires=N")),
      [
        `window ${rolled} rollback: profile=tcp-invalid owner=tester@ctl expires=N knobs=` +
          'sysctl:nf_log "net/netfilter/nf_log/2" "nf_log_ipv4"->"nf_log_nosuch", ' +
          'sysctl:log_invalid "net/netfilter/nf_conntrack_log_invalid" "0"->"6"',
      ],
      "never opened, so no open line: the rollback names what it undid",
    );
  },
);

/** Processes running logger with our tag (a blocked one left behind would show here). */
function loggers(): number[] {
  return readdirSync("/proc").flatMap((p) => {
    if (!/^\d+$/.test(p)) return [];
    try {
      const cmd = readFileSync(`/proc/${p}/cmdline`, "utf8").split("\0");
      return cmd[0].endsWith("logger") && cmd.includes("nfdebug") ? [Number(p)] : [];
    } catch {
      return [];
    }
  });
}

withSyslog(
  "a syslog that stopped reading (its queue full) holds no window up: logger is killed, the window opens and reverts",
  async () => {
    const h = host();
    const id = "20261206T050000-a005";
    // Only this host's /dev/log is the dead one (its own mount namespace): other hosts' loggers
    // on this machine keep the test's live socket.
    const dead = await deadSyslogSocket(join(h.dir, "dead-log"));
    try {
      h.binds.set(DEV_LOG, join(h.dir, "dead-log"));
      const opened = await applyHost(h, req(id));
      assert.equal(opened.changed, true);
      assert.equal(sysctl(h, "net.netfilter.nf_conntrack_log_invalid"), "6");
      const reverted = await revertHost(h, { force: false });
      assert.equal(reverted.changed, true);
      assert.equal(sysctl(h, "net.netfilter.nf_conntrack_log_invalid"), "0");
      assert.deepEqual(loggers(), [], "no logger left waiting");
      assert.deepEqual(await announced(id, 0), [], "nothing reached the live socket");
    } finally {
      dead.kill();
    }
  },
);

withSyslog(
  "without a working logger (kmsg-only hosts) nothing is announced and the window works as ever",
  async () => {
    const h = host();
    h.hidden.add("logger");
    const id = "20261206T050000-a006";
    assert.equal((await applyHost(h, req(id))).changed, true);
    assert.equal((await revertHost(h, { force: false })).changed, true);
    assert.equal(sysctl(h, "net.netfilter.nf_conntrack_log_invalid"), "0");
    // A line from a concurrent test's host would name its own window: none names this one.
    await sleep(200);
    assert.deepEqual(await announced(id, 0), []);
  },
);
