// Cancelling an apply whose connection dropped, against real kernel state in network namespaces
// (no SSH: the CLI tests kill a real sshd). The dropped apply and the controller's cancel meet
// under the host lock in either order; both orders must leave the host as it was.
import { after, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync, utimesSync } from "node:fs";
import { join } from "node:path";
import { applyHost, renderApply } from "../../../src/engine/apply.js";
import { cancelInterruptedApply } from "../../../src/engine/cancel.js";
import { InterruptedApply } from "../../../src/engine/interruptedApply.js";
import { planHost } from "../../../src/engine/plan.js";
import { readFacts } from "../../../src/engine/readFacts.js";
import { HostError } from "../../../src/errors.js";
import type { Profile } from "../../../src/profile/types.js";
import type { Transport } from "../../../src/transport/types.js";
import { NetnsShell } from "../../support/netnsShell.js";

const shells: NetnsShell[] = [];
after(() => shells.forEach((s) => s.destroy()));
function host(): NetnsShell {
  const s = NetnsShell.create("nfdcx");
  shells.push(s);
  return s;
}
/** A transport whose "reconnect" is the same namespace shell. */
const transportTo = (h: NetnsShell): Transport => ({ connect: async () => h });
const sysctl = (h: NetnsShell, key: string) => h.exec(["sysctl", "-n", key]).trim();
const LOG_INVALID = "net.netfilter.nf_conntrack_log_invalid";
const tcp: Profile = { name: "tcp-invalid", logInvalid: 6, nfLog: { ipv6: "NONE" } };
const req = (window: string, profile = tcp) => ({ profile, window, owner: "tester@ctl", windowSeconds: 600 });
const dropped = (h: NetnsShell, window: string) =>
  new InterruptedApply(new HostError("unreachable", h.host.name, `${h.host.name}: connection lost`), window);

test("the apply opened its window before the cancel came: the cancel reverts it", async () => {
  const h = host();
  await applyHost(h, req("20261125T120000-00a1"));
  assert.equal(sysctl(h, LOG_INVALID), "6");
  await assert.rejects(
    cancelInterruptedApply(transportTo(h), h.host, dropped(h, "20261125T120000-00a1")),
    (err: HostError) => {
      assert.equal(err.kind, "unreachable", "the host is still reported as it failed");
      assert.match(
        err.message,
        /connection lost during apply; reconnected and reverted window 20261125T120000-00a1 there/,
      );
      return true;
    },
  );
  assert.equal(sysctl(h, LOG_INVALID), "0");
  assert.equal(sysctl(h, "net.netfilter.nf_log.10"), "nf_log_ipv6");
  assert.equal((await readFacts(h)).window, null);
  const history = readFileSync(join(h.dir, "var-lib", "nfdebug", "windows.log"), "utf8");
  assert.match(history, /^closed\t20261125T120000-00a1\t\d+\tcancelled$/m);
});

test("the cancel came before the apply began: the apply refuses to begin and changes nothing", async () => {
  const h = host();
  await assert.rejects(
    cancelInterruptedApply(transportTo(h), h.host, dropped(h, "20261125T120000-00b1")),
    /had not begun there, and now never will/,
  );
  assert.ok(existsSync(join(h.dir, "run", "nfdebug", "cancelled.20261125T120000-00b1")));
  await assert.rejects(applyHost(h, req("20261125T120000-00b1")), (err: HostError) => {
    assert.equal(err.kind, "remote");
    assert.match(err.message, /window 20261125T120000-00b1 was cancelled by its controller before it began/);
    return true;
  });
  assert.equal(sysctl(h, LOG_INVALID), "0");
  assert.equal((await readFacts(h)).window, null);
  assert.ok(
    !existsSync(join(h.dir, "run", "nfdebug", "cancelled.20261125T120000-00b1")),
    "the mark is used up",
  );
  // Another window is not affected by the mark.
  const next = await applyHost(h, req("20261125T120000-00b2"));
  assert.equal(next.changed, true);
});

test("a cancel mark outlives the lock wait of the apply it stops by a minute at most", async () => {
  const h = host();
  const mark = (w: string) => join(h.dir, "run", "nfdebug", `cancelled.${w}`);
  for (const w of ["20261125T120000-00d1", "20261125T120000-00d2"])
    await assert.rejects(
      cancelInterruptedApply(transportTo(h), h.host, dropped(h, w)),
      /had not begun there/,
    );
  // d1's apply never arrived and its mark is two minutes old; d2's is fresh.
  const old = new Date(Date.now() - 120_000);
  utimesSync(mark("20261125T120000-00d1"), old, old);
  await applyHost(h, req("20261125T120000-00d3"));
  assert.ok(!existsSync(mark("20261125T120000-00d1")), "the old mark is dropped by the next apply");
  assert.ok(existsSync(mark("20261125T120000-00d2")), "a fresh mark still stops its apply");
});

test("a cancel for another window leaves the open window alone", async () => {
  const h = host();
  await applyHost(h, req("20261125T120000-00c1"));
  await assert.rejects(
    cancelInterruptedApply(transportTo(h), h.host, dropped(h, "20261125T120000-00c2")),
    /had not begun there/,
  );
  assert.equal(sysctl(h, LOG_INVALID), "6");
  assert.equal((await readFacts(h)).window?.id, "20261125T120000-00c1");
});

test("an apply script cut short in transit runs none of its steps", async () => {
  const h = host();
  const facts = await readFacts(h, tcp);
  const script = renderApply(req("20261125T120000-00d1"), planHost(tcp, facts));
  // Cut just before the final nfd_commit: the steps are all there, the commit is not.
  const cut = script.slice(0, script.lastIndexOf("nfd_commit"));
  assert.match(cut, /nfd_sysctl /);
  const result = await h.runScript(cut);
  assert.notEqual(result.code, 0);
  assert.match(result.stderr, /end of file|unexpected/i);
  assert.equal(sysctl(h, LOG_INVALID), "0");
  assert.equal((await readFacts(h)).window, null);
  assert.ok(!existsSync(join(h.dir, "run", "nfdebug", "revert.sh")), "not even the scripts were installed");
});
