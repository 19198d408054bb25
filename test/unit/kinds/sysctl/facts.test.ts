// Kind sysctl, facts: the "sysctl" and "nf_log" sections as real kernels printed them.
import { test } from "node:test";
import assert from "node:assert/strict";
import { FactSections } from "../../../../src/facts/sections.js";
import { parseLoggers, readSysctlFacts } from "../../../../src/kinds/sysctl/facts.js";
import { factsFixture } from "../../../support/recordedFacts.js";

const read = (name: string) => readSysctlFacts(FactSections.parse(factsFixture(name)));

test("sysctl facts in a network namespace of 6.18: conntrack sysctls, bindings, no nf_log_all_netns", () => {
  const f = read("kernel-6.18-netns.txt");
  assert.equal(f.sysctl["nf_conntrack_log_invalid"], "0");
  assert.equal(f.sysctl["nf_conntrack_events"], "2");
  assert.equal(f.sysctl["nf_log/0"], "NONE");
  assert.equal(f.initialNetns, false);
  assert.equal(f.sysctl["nf_log_all_netns"], undefined);
});

test("sysctl facts in the initial namespace of 6.18: nf_log_all_netns exists, loggers are registered", () => {
  const f = read("kernel-6.18-initial-netns.txt");
  assert.equal(f.initialNetns, true);
  assert.deepEqual(f.loggers[2], { bound: "nf_log_ipv4", registered: ["nf_log_ipv4", "nfnetlink_log"] });
});

test("sysctl facts on Debian 6.1: no conntrack sysctls before nf_conntrack loads; five families bound after nf_log_ipv4", () => {
  const boot = read("debian-6.1-boot.txt");
  assert.equal(boot.sysctl["nf_conntrack_log_invalid"], undefined);
  const loaded = read("debian-6.1-nf_log_ipv4.txt");
  assert.equal(loaded.sysctl["nf_conntrack_log_invalid"], "0");
  assert.deepEqual(
    Object.entries(loaded.loggers)
      .filter(([, l]) => l.bound !== "NONE")
      .map(([n, l]) => `${n}=${l.bound}`),
    ["2=nf_log_ipv4", "3=nf_log_arp", "5=nf_log_netdev", "7=nf_log_bridge", "10=nf_log_ipv6"],
  );
});

test("parseLoggers: a family with no registered logger, and lines that are not bindings", () => {
  assert.deepEqual(parseLoggers([" 0 NONE ()", "10 nfnetlink_log (nfnetlink_log,nf_log_ipv6)", "garbage"]), {
    0: { bound: "NONE", registered: [] },
    10: { bound: "nfnetlink_log", registered: ["nfnetlink_log", "nf_log_ipv6"] },
  });
});
