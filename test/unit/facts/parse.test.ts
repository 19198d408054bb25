// The facts parser: the host's own sections, and every kind's read together (recorded on 6.18).
import { test } from "node:test";
import assert from "node:assert/strict";
import { parseFacts, parseJournal } from "../../../src/facts/parse.js";
import { factsFixture as fixture } from "../../support/recordedFacts.js";

test("facts of the initial namespace on kernel 6.18 (recorded)", () => {
  const f = parseFacts(fixture("kernel-6.18-initial-netns.txt"));
  assert.match(f.kernel, /^6\.18\.\d+-/);
  assert.equal(f.initialNetns, true);
  assert.equal(f.sysctl["nf_conntrack_log_invalid"], "0");
  assert.equal(f.sysctl["nf_log/2"], "nf_log_ipv4");
  assert.deepEqual(f.loggers[2], { bound: "nf_log_ipv4", registered: ["nf_log_ipv4", "nfnetlink_log"] });
  assert.deepEqual(f.loggers[0], { bound: "NONE", registered: ["nfnetlink_log"] });
  assert.equal(f.modules, null, "this kernel has no /proc/modules");
  assert.equal(f.printk.control, null, "no CONFIG_DYNAMIC_DEBUG on 6.18 here");
  assert.equal(f.window, null);
  assert.ok(f.tools.includes("kmsg"));
});

test("facts inside a network namespace: nf_log_all_netns is absent", () => {
  const f = parseFacts(fixture("kernel-6.18-netns.txt"));
  assert.equal(f.initialNetns, false);
  assert.equal(f.sysctl["nf_log_all_netns"], undefined);
  assert.ok(f.sysModules.includes("nf_conntrack"));
});

test("incomplete facts output is an error, not an empty host", () => {
  assert.throws(() => parseFacts("@@facts\t1\n@@section\tkernel\n6.1.0\n"), /incomplete/);
});

test("parseJournal: lines name their type KIND:KNOB; the kind alone (older journals) is still read", () => {
  assert.deepEqual(
    parseJournal([
      "sysctl:conntrack\tnet/netfilter/nf_conntrack_acct\t0\t1",
      "module:modules\tnf_log_syslog\tabsent\tloaded",
      "printk\tnet/netfilter/x.c:1 f\t_\tp",
      "nosuchkind:x\ta\tb\tc",
      "sysctl:nf_log\thalf-written",
    ]),
    [
      { kind: "sysctl:conntrack", key: "net/netfilter/nf_conntrack_acct", from: "0", to: "1" },
      { kind: "module:modules", key: "nf_log_syslog", from: "absent", to: "loaded" },
      { kind: "printk", key: "net/netfilter/x.c:1 f", from: "_", to: "p" },
    ],
  );
});
