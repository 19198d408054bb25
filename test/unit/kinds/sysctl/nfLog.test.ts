// Knob nf_log (the backend bound per address family) planned from facts recorded on real kernels.
import { test } from "node:test";
import assert from "node:assert/strict";
import { boundLogger, planNfLog } from "../../../../src/kinds/sysctl/nfLog.js";
import { parseYaml } from "../../../../src/files/yaml-source.js";
import { profileProblems } from "../../../../src/profile/load.js";
import { debian61Facts, debianLike, netnsFacts } from "../../../support/recordedFacts.js";

test("nf_log: registered backend is bound, unregistered one needs its module", () => {
  const f = debianLike();
  const missing = planNfLog({ name: "p", nfLog: { ipv4: "nf_log_ipv4" } }, f);
  assert.deepEqual(missing.problems, [
    "backend nf_log_ipv4 is not registered for ipv4 (registered: none); add nf_log_syslog to the profile's modules",
  ]);
  const withModule = planNfLog({ name: "p", nfLog: { ipv4: "nf_log_ipv4" }, modules: ["nf_log_ipv4"] }, f);
  assert.deepEqual(withModule.problems, []);
  assert.deepEqual(withModule.steps, [
    { kind: "sysctl", knob: "nf_log", path: "net/netfilter/nf_log/2", from: "?", to: "nf_log_ipv4" },
  ]);
  const g = netnsFacts();
  assert.deepEqual(planNfLog({ name: "p", nfLog: { ipv6: "NONE" } }, g).steps, [
    { kind: "sysctl", knob: "nf_log", path: "net/netfilter/nf_log/10", from: "nf_log_ipv6", to: "NONE" },
  ]);
  assert.deepEqual(planNfLog({ name: "p", nfLog: { ipv4: "nf_log_ipv4" } }, g).steps, [], "already bound");
});

test("planNfLog: a backend needs its registration or the module that registers it", () => {
  const boot = debian61Facts("boot");
  assert.deepEqual(planNfLog({ name: "p", nfLog: { ipv4: "nf_log_ipv4" } }, boot), {
    steps: [],
    problems: [
      "backend nf_log_ipv4 is not registered for ipv4 (registered: none); add nf_log_syslog to the profile's modules",
    ],
  });
  assert.deepEqual(
    planNfLog({ name: "p", nfLog: { ipv4: "nf_log_ipv4" }, modules: ["nf_log_ipv4"] }, boot).steps,
    [{ kind: "sysctl", knob: "nf_log", path: "net/netfilter/nf_log/2", from: "?", to: "nf_log_ipv4" }],
  );
  const loaded = debian61Facts("nf_log_ipv4");
  assert.deepEqual(
    planNfLog({ name: "p", nfLog: { ipv4: "nf_log_ipv4" } }, loaded),
    { steps: [], problems: [] },
    "already bound",
  );
  assert.deepEqual(planNfLog({ name: "p", nfLog: { ipv6: "NONE", bridge: "nf_log_bridge" } }, loaded).steps, [
    { kind: "sysctl", knob: "nf_log", path: "net/netfilter/nf_log/10", from: "nf_log_ipv6", to: "NONE" },
  ]);
  assert.deepEqual(planNfLog({ name: "p", nfLog: { ipv4: "nfnetlink_log" } }, loaded).problems, [
    "backend nfnetlink_log is not registered for ipv4 (registered: nf_log_ipv4); add nfnetlink_log to the profile's modules",
  ]);
});

test("planNfLog: logger names compare as the kernel matches them (any case; NONE exactly); a write names the kernel's spelling", () => {
  const p = (ipv4: string, modules?: string[]) => ({
    name: "p",
    nfLog: { ipv4 },
    ...(modules ? { modules } : {}),
  });
  // Debian 6.1 with nf_log_ipv4 bound: /proc/net/netfilter/nf_log says "nf_log_ipv4".
  const bound = debian61Facts("nf_log_ipv4");
  for (const spelling of ["NF_LOG_IPV4", "Nf_Log_Ipv4", "nf_log_ipv4"])
    assert.deepEqual(planNfLog(p(spelling), bound), { steps: [], problems: [] }, spelling);
  // 6.18 here (nf_log_ipv4 bound, nfnetlink_log registered): switching writes the canonical name,
  // which is what the sysctl reads back (seen here: NF_LOG_IPV4 written, nf_log_ipv4 read).
  assert.deepEqual(planNfLog(p("NFNETLINK_LOG"), netnsFacts()).steps, [
    {
      kind: "sysctl",
      knob: "nf_log",
      path: "net/netfilter/nf_log/2",
      from: "nf_log_ipv4",
      to: "nfnetlink_log",
    },
  ]);
  // Registered only after the profile's module load: the step writes the lower-case name.
  assert.deepEqual(planNfLog(p("NF_LOG_IPV4", ["nf_log_ipv4"]), debian61Facts("boot")).steps, [
    { kind: "sysctl", knob: "nf_log", path: "net/netfilter/nf_log/2", from: "?", to: "nf_log_ipv4" },
  ]);
  assert.equal(boundLogger("NF_LOG_IPV4", ["nf_log_ipv4", "nfnetlink_log"]), "nf_log_ipv4");
  assert.equal(boundLogger("nfnetlink_log", ["nf_log_ipv4"]), undefined);
});

test("profile schema: logger names in any letter case, NONE only in capitals (the kernel's strcmp)", () => {
  const problems = (ipv4: string) =>
    profileProblems(
      // A capture: nfnetlink_log without one is refused (captureCheck.ts).
      parseYaml(
        `apiVersion: nfdebug/v1\nkind: DebugProfile\nname: p\nnf_log:\n  ipv4: ${ipv4}\n${/netlink/i.test(ipv4) ? "capture: {}\n" : ""}`,
        "p.yaml",
      ),
    );
  assert.deepEqual(problems("NF_LOG_IPV4"), []);
  assert.deepEqual(problems("NfNetlink_Log"), []);
  assert.deepEqual(problems("NONE"), []);
  assert.match(problems("none")[0]?.message ?? "", /is not a logger for ipv4/);
  assert.match(problems("nf_log_ipv6")[0]?.message ?? "", /is not a logger for ipv4/);
});
