// The facts parser on the Debian 12 VM (kernel 6.1) in the states a host goes through: fresh boot,
// nf_conntrack loaded, conntrack in use by a ruleset, nf_log_ipv4 loaded.
import { test } from "node:test";
import assert from "node:assert/strict";
import { moduleState } from "../../../src/kinds/module/modules.js";
import type { HostFacts } from "../../../src/facts/types.js";
import { DEBIAN61_KERNEL, SCTP, debian61Facts } from "../../support/recordedFacts.js";

const sctpSites = (f: HostFacts) => f.printk.sites.filter((s) => s.file === SCTP);

test("facts: a fresh 6.1 boot has no conntrack sysctls, no loggers, and dynamic debug without conntrack's sites", () => {
  const f = debian61Facts("boot");
  assert.equal(f.kernel, DEBIAN61_KERNEL);
  assert.match(f.bootId, /^[0-9a-f-]{36}$/);
  assert.equal(f.uid, 0);
  assert.equal(f.initialNetns, true);
  assert.equal(f.sysctl["nf_conntrack_log_invalid"], undefined);
  assert.equal(f.sysctl["nf_log_all_netns"], "0");
  for (let n = 0; n <= 10; n++) {
    assert.equal(f.sysctl[`nf_log/${n}`], "NONE");
    assert.deepEqual(f.loggers[n], { bound: "NONE", registered: [] });
  }
  assert.ok(f.modules && !("nf_conntrack" in f.modules) && !("nf_log_syslog" in f.modules));
  assert.deepEqual(f.builtinModules, [], "Debian builds netfilter as modules");
  assert.deepEqual(f.sysModules, []);
  assert.equal(f.printk.control, "/proc/dynamic_debug/control");
  assert.deepEqual(sctpSites(f), []);
  for (const tool of ["modprobe", "systemd-run", "systemd", "journalctl", "conntrack", "kmsg"])
    assert.ok(f.tools.includes(tool), tool);
  assert.equal(f.logSources?.preferred?.kind, "journald");
  assert.deepEqual(
    f.logSources?.sources.map((s) => s.kind),
    ["journald", "kmsg", "dmesg"],
  );
  assert.equal(f.logSources?.bootId, f.bootId);
  assert.deepEqual([f.window, f.journal, f.history], [null, [], []]);
  assert.equal(moduleState("nf_conntrack", f), "absent");
  assert.equal(moduleState("nf_log_syslog", f), "absent");
});

test("facts: after modprobe nf_conntrack, log_invalid reads 0 and the SCTP sites exist, none enabled", () => {
  const f = debian61Facts("nf_conntrack");
  assert.equal(f.sysctl["nf_conntrack_log_invalid"], "0");
  assert.equal(f.modules?.["nf_conntrack"], 0, "loaded, nothing uses it yet");
  assert.deepEqual(f.sysModules, ["nf_conntrack"]);
  assert.equal(moduleState("nf_conntrack", f), "loaded");
  const sites = sctpSites(f);
  assert.equal(sites.length, 27);
  assert.ok(sites.every((s) => s.module === "nf_conntrack" && s.flags === "_"));
  assert.deepEqual(sites[0], {
    file: SCTP,
    line: 164,
    module: "nf_conntrack",
    func: "do_basic_checks",
    flags: "_",
    format: "Chunk Num: %d  Type: %d",
  });
  // The loggers are still unbound: nf_conntrack alone registers none.
  assert.deepEqual(f.loggers[2], { bound: "NONE", registered: [] });
});

test("facts: a ruleset using ct state holds nf_conntrack; nf_log_ipv4 loads nf_log_syslog and binds five families", () => {
  const inUse = debian61Facts("ct-in-use");
  assert.equal(inUse.modules?.["nf_conntrack"], 1);
  assert.ok(inUse.modules && "nft_ct" in inUse.modules);
  const f = debian61Facts("nf_log_ipv4");
  assert.equal(f.modules?.["nf_log_syslog"], 0);
  assert.ok(f.modules && !("nf_log_ipv4" in f.modules), "the old name is only an alias");
  assert.deepEqual(f.sysModules.sort(), ["nf_conntrack", "nf_log_syslog"]);
  const bound = {
    2: "nf_log_ipv4",
    3: "nf_log_arp",
    5: "nf_log_netdev",
    7: "nf_log_bridge",
    10: "nf_log_ipv6",
  } as Record<number, string>;
  for (let n = 0; n <= 10; n++) {
    const name = bound[n];
    assert.deepEqual(
      f.loggers[n],
      name ? { bound: name, registered: [name] } : { bound: "NONE", registered: [] },
      `family ${n}`,
    );
    assert.equal(f.sysctl[`nf_log/${n}`], name ?? "NONE");
  }
  assert.equal(moduleState("nf_log_syslog", f), "loaded");
});
