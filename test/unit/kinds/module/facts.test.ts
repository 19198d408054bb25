// Kind module, facts: /proc/modules, the netfilter built-ins and /sys/module as real kernels showed them.
import { test } from "node:test";
import assert from "node:assert/strict";
import { FactSections } from "../../../../src/facts/sections.js";
import { readModuleFacts } from "../../../../src/kinds/module/facts.js";
import { factsFixture } from "../../../support/recordedFacts.js";

const read = (name: string) => readModuleFacts(FactSections.parse(factsFixture(name)));

test("module facts on 6.18 without module support: modules is null, the built-ins show in /sys/module", () => {
  const f = read("kernel-6.18-netns.txt");
  assert.equal(f.modules, null);
  assert.ok(f.sysModules.includes("nf_conntrack"));
});

test("module facts on Debian 6.1: use counts as the kernel reports them, state by state", () => {
  assert.equal(read("debian-6.1-boot.txt").modules?.["nf_conntrack"], undefined);
  const inUse = read("debian-6.1-ct-in-use.txt");
  assert.equal(inUse.modules?.["nf_conntrack"], 1);
  assert.equal(inUse.modules?.["nf_tables"], 7);
  assert.deepEqual(inUse.sysModules, ["nf_conntrack"]);
  assert.equal(read("debian-6.1-nf_log_ipv4.txt").modules?.["nf_log_syslog"], 0);
});

test("module facts: '-unsupported' means no /proc/modules; an empty section is a kernel with none loaded", () => {
  assert.equal(
    readModuleFacts(FactSections.parse("@@section\tmodules\n-unsupported\n@@end\n")).modules,
    null,
  );
  assert.deepEqual(readModuleFacts(FactSections.parse("@@section\tmodules\n@@end\n")).modules, {});
});
