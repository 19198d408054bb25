import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { parseFacts, parseJournal, parsePrintkSite } from "../../../src/facts/parse.js";

const fixture = (name: string) =>
  readFileSync(new URL(`../../../../test/fixtures/facts/${name}`, import.meta.url), "utf8");

test("facts of the initial namespace on kernel 6.18 (recorded)", () => {
  const f = parseFacts(fixture("kernel-6.18-initial-netns.txt"));
  assert.equal(f.kernel, "6.18.44-fc-v669");
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

test("dynamic-debug control lines, with escaped newline in either spelling", () => {
  assert.deepEqual(
    parsePrintkSite(
      'net/netfilter/nf_conntrack_proto_sctp.c:164 [nf_conntrack]do_basic_checks =_ "Chunk Num: %d  Type: %d\\n"',
    ),
    {
      file: "net/netfilter/nf_conntrack_proto_sctp.c",
      line: 164,
      module: "nf_conntrack",
      func: "do_basic_checks",
      flags: "_",
      format: "Chunk Num: %d  Type: %d",
    },
  );
  assert.equal(parsePrintkSite('a.c:1 [m]f =pf "x\\012"')?.format, "x");
  assert.equal(parsePrintkSite('a.c:1 [m]f =pf "x\\012"')?.flags, "pf");
  assert.equal(parsePrintkSite("# filename:lineno [module]function flags format"), undefined);
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
