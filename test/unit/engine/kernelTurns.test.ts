// One owner per kernel: hosts that share a boot id take turns for kernel-global settings, and a
// setting one of them journaled is never journaled again by another. Facts recorded on the
// Debian 12 VM (kernel 6.1, nf_conntrack loaded) and in a network namespace of this machine (6.18, no modules).
import { test } from "node:test";
import assert from "node:assert/strict";
import { recordedFacts as recorded } from "../../support/recordedFacts.js";
import { planHost } from "../../../src/engine/plan.js";
import { KernelTurns, touchesKernel } from "../../../src/engine/kernelTurns.js";
import { parseProfile } from "../../../src/profile/load.js";
import { HostError } from "../../../src/errors.js";

const profile = (body: string) =>
  parseProfile(`apiVersion: nfdebug/v1\nkind: DebugProfile\nname: shared\n${body}`, "shared.yaml");

const modulesAndPrintk = profile(
  [
    "log_invalid: 255",
    "nf_log: { ipv4: nf_log_ipv4 }",
    "modules: [nf_log_ipv4]",
    "printk:",
    "  - file: net/netfilter/nf_conntrack_proto_sctp.c",
  ].join("\n"),
);

test("hosts of one kernel take turns: the second leaves out what the first set", async () => {
  const turns = new KernelTurns();
  const a = recorded("debian-6.1-nf_conntrack.txt");
  const b = recorded("debian-6.1-nf_conntrack.txt");
  const planA = planHost(modulesAndPrintk, a);
  const planB = planHost(modulesAndPrintk, b);
  assert.ok(
    planA.steps.some((s) => s.kind === "module"),
    "nf_log_ipv4 is not loaded yet",
  );
  assert.ok(
    planA.steps.some((s) => s.kind === "printk"),
    "and printk sites",
  );

  const first = await turns.turn("a", a, planA);
  assert.deepEqual(first.plan.steps, planA.steps, "the first host keeps its whole plan");
  let secondStarted = false;
  const second = turns.turn("b", b, planB).then((t) => {
    secondStarted = true;
    return t;
  });
  await new Promise((r) => setTimeout(r, 20));
  assert.equal(secondStarted, false, "b waits while a applies");
  first.done(first.plan.changes);
  const turnB = await second;
  assert.equal(turnB.plan.steps.filter((s) => s.kind === "module" || s.kind === "printk").length, 0);
  assert.deepEqual(
    turnB.plan.steps.map((s) => (s.kind === "sysctl" ? s.path : s.kind)),
    planB.steps.filter((s) => s.kind === "sysctl").map((s) => (s.kind === "sysctl" ? s.path : "")),
    "b keeps its per-namespace sysctls (log_invalid, its nf_log binding)",
  );
  turnB.done(turnB.plan.changes);
});

test("a later host that wants another value for a kernel-global setting is refused", async () => {
  const turns = new KernelTurns();
  const a = recorded("debian-6.1-nf_conntrack.txt");
  const b = recorded("debian-6.1-nf_conntrack.txt");
  const other = profile(
    ["printk:", "  - file: net/netfilter/nf_conntrack_proto_sctp.c", "    flags: pmf"].join("\n"),
  );
  const first = await turns.turn("a", a, planHost(modulesAndPrintk, a));
  first.done(first.plan.changes);
  await assert.rejects(turns.turn("b", b, planHost(other, b)), (err: unknown) => {
    assert.ok(err instanceof HostError);
    assert.equal(err.kind, "locked");
    assert.match(
      err.message,
      new RegExp(`shares its kernel \\(boot id ${a.bootId}\\) with a, which set .* revert a first`),
    );
    return true;
  });
});

test("a failed first host passes its turn on: the next one sets the kernel-global settings itself", async () => {
  const turns = new KernelTurns();
  const a = recorded("debian-6.1-nf_conntrack.txt");
  const b = recorded("debian-6.1-nf_conntrack.txt");
  const first = await turns.turn("a", a, planHost(modulesAndPrintk, a));
  first.done([]); // rolled back
  const planB = planHost(modulesAndPrintk, b);
  const turnB = await turns.turn("b", b, planB);
  assert.deepEqual(turnB.plan.steps, planB.steps);
});

test("an open window of another host that journaled modules makes this kernel's owner", async () => {
  const turns = new KernelTurns();
  const owner = recorded("debian-6.1-nf_conntrack.txt");
  owner.window = {
    id: "w-owner",
    owner: "alice@ws",
    profile: "other",
    started: owner.now - 10,
    expires: owner.now + 600,
    bootId: owner.bootId,
    state: "open",
  };
  owner.journal = [{ kind: "module", key: "nf_log_syslog", from: "absent", to: "loaded" }];
  turns.noteFacts("owner", owner);
  const b = recorded("debian-6.1-nf_conntrack.txt");
  await assert.rejects(turns.turn("b", b, planHost(modulesAndPrintk, b)), /whose window w-owner holds/);
  // The owner itself, and hosts of other kernels, are not held back.
  const elsewhere = recorded("debian-6.1-nf_conntrack.txt");
  elsewhere.bootId = "11111111-2222-3333-4444-555555555555";
  const t = await turns.turn("c", elsewhere, planHost(modulesAndPrintk, elsewhere));
  assert.ok(t.plan.steps.length > 0);
});

test("namespace hosts without module support have nothing kernel-global to do and never wait", async () => {
  const turns = new KernelTurns();
  const hosts = ["n1", "n2", "n3"].map(() => recorded("kernel-6.18-netns.txt"));
  const p = profile("log_invalid: 255");
  const plans = hosts.map((f) => planHost(p, f));
  assert.ok(plans.every((plan) => plan.steps.length === 1 && !touchesKernel(plan)));
  // None of them calls done: none was made to wait, so none can hold another up.
  const turnsTaken = await Promise.all(hosts.map((f, i) => turns.turn(`n${i + 1}`, f, plans[i])));
  assert.deepEqual(
    turnsTaken.map((t) => t.plan.steps.length),
    [1, 1, 1],
  );
});
