// Every file shipped in playbooks/ is valid, loads, and the example inventories agree.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { checkFile } from "../../../src/cli/actions/validate.js";
import { loadInventory } from "../../../src/inventory/load.js";
import { planPrintk } from "../../../src/kinds/printk/printk.js";
import { loadProfile } from "../../../src/profile/load.js";
import { loadRunbook } from "../../../src/runbook/load.js";
import { debian612Facts, debian61Facts } from "../../support/recordedFacts.js";
import { useRepoRoot } from "../files/repo-root.js";

useRepoRoot();

function filesUnder(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const path = join(dir, name);
      return statSync(path).isDirectory() ? filesUnder(path) : [path];
    });
}
// playbooks/samples/ holds saved logs for `nfdebug parse` (test/integration/cli/parse.test.ts).
const FILES = filesUnder("playbooks").filter((f) => !f.startsWith("playbooks/samples/"));

test("playbooks/ has the profiles, runbooks and inventories the procedure needs", () => {
  for (const name of ["tcp-invalid", "udp-checksum", "all-protocols", "container-hosts", "printk-sctp"]) {
    assert.ok(FILES.includes(`playbooks/profiles/${name}.yaml`), name);
  }
  for (const name of ["tcp-invalid-triage", "udp-checksum", "container-hosts", "printk-deep-dive"]) {
    assert.ok(FILES.includes(`playbooks/runbooks/${name}.yaml`), name);
  }
  assert.ok(FILES.includes("playbooks/inventory.example.yaml"));
});

for (const file of FILES) {
  test(`${file} is valid`, async () => {
    const check = await checkFile(file);
    assert.deepEqual(check.problems, []);
    const expectedKind = file.includes("/profiles/")
      ? "profile"
      : file.includes("/runbooks/")
        ? "runbook"
        : "inventory";
    assert.equal(check.kind, expectedKind);
  });
}

test("profiles say what the article's procedure sets", async () => {
  const tcp = await loadProfile("playbooks/profiles/tcp-invalid.yaml");
  assert.equal(tcp.logInvalid, 6);
  assert.deepEqual(tcp.nfLog, { ipv4: "nf_log_ipv4", ipv6: "nf_log_ipv6" });
  // The loggers are a module on stock Debian 12 (6.1): the profile must load it there.
  assert.deepEqual(tcp.modules, ["nf_log_syslog"]);
  assert.equal((await loadProfile("playbooks/profiles/udp-checksum.yaml")).logInvalid, 17);
  assert.equal((await loadProfile("playbooks/profiles/all-protocols.yaml")).logInvalid, 255);
  const containers = await loadProfile("playbooks/profiles/container-hosts.yaml");
  assert.equal(containers.nfLogAllNetns, true);
  // Found by the mixed-kernel VM test: without the module, Debian's kernels refuse the loggers.
  assert.deepEqual(containers.modules, ["nf_log_syslog"]);
  const sctp = await loadProfile("playbooks/profiles/printk-sctp.yaml");
  assert.equal(sctp.logInvalid, 132);
  assert.deepEqual(sctp.modules, ["nf_conntrack", "nf_log_syslog"]);
  assert.deepEqual(sctp.printk, [
    { file: "net/netfilter/nf_conntrack_proto_sctp.c", func: ["do_basic_checks", "sctp_new"], flags: "p" },
  ]);
});

test("the SCTP deep dive's printk selector plans on both recorded Debian kernels (6.1 and 6.12)", async () => {
  const sctp = await loadProfile("playbooks/profiles/printk-sctp.yaml");
  for (const [kernel, facts] of [
    ["6.1", debian61Facts("ct-in-use")],
    ["6.12", debian612Facts("ct-in-use")],
  ] as const) {
    const plan = planPrintk(sctp, facts);
    assert.deepEqual(plan.problems, [], kernel);
    assert.ok(plan.steps.length > 0, `${kernel}: sites to enable`);
  }
});

test("every runbook loads with its profile and opens, collects, reverts and reports", async () => {
  for (const file of FILES.filter((f) => f.includes("/runbooks/"))) {
    const runbook = await loadRunbook(file);
    const kinds = runbook.steps.map((s) => s.kind);
    for (const kind of ["apply", "collect", "revert", "report"])
      assert.ok(kinds.includes(kind as never), `${file}: ${kind}`);
    assert.ok(runbook.question, `${file} asks a question`);
    assert.ok(runbook.profileFile?.startsWith("playbooks/profiles/"), file);
  }
});

test("the three example inventories describe the same fleet, in documentation addresses only", async () => {
  const shape = async (file: string) =>
    (await loadInventory(file)).hosts.map((h) => ({
      name: h.name,
      address: h.address,
      port: h.port,
      user: h.user,
      become: h.become,
      identityFiles: h.identityFiles,
      jump: h.jump,
      groups: [...h.groups].sort(),
    }));
  const nfdebug = await shape("playbooks/inventory.example.yaml");
  assert.equal(nfdebug.length, 5);
  for (const host of nfdebug) assert.match(host.address, /^192\.0\.2\.\d+$/);
  const withoutUs = nfdebug.map((h) => ({ ...h, groups: h.groups.filter((g) => g !== "us") }));
  // The Ansible examples put every host of web, lb and db under eu (Ansible groups nest).
  const ansibleGroups = (h: (typeof nfdebug)[number]) => ({
    ...h,
    groups: h.groups.includes("web")
      ? [...new Set([...h.groups.filter((g) => g !== "us"), "eu"])].sort()
      : h.groups,
  });
  assert.deepEqual(await shape("playbooks/inventory.ansible.ini"), withoutUs.map(ansibleGroups));
  assert.deepEqual(await shape("playbooks/inventory.ansible.yaml"), withoutUs.map(ansibleGroups));
});
