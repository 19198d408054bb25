// diagnose(): what a host supports and what to do about the rest, from facts recorded on real
// kernels — the 6.18 namespace and initial-namespace hosts of this machine
// (test/fixtures/facts/), and the Debian 12 VM (6.1), whose facts are assembled here from its
// recorded command outputs (test/fixtures/debian-6.1/README.md) in facts.sh's section format and
// read by the real parser.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { diagnose, type Capability } from "../../../src/engine/doctor.js";
import { parseFacts } from "../../../src/facts/parse.js";
import type { HostFacts } from "../../../src/facts/types.js";
import { recordedFacts } from "../../support/recordedFacts.js";

const fixture = (path: string) =>
  readFileSync(new URL(`../../../../test/fixtures/${path}`, import.meta.url), "utf8");
const facts618 = recordedFacts;

/** Facts of the Debian VM at fresh boot, or after `modprobe nf_log_ipv4 nf_conntrack`. */
function debianFacts(state: "boot" | "loaded"): HostFacts {
  const d = (name: string) => fixture(`debian-6.1/${name}`).trimEnd();
  const sysctl = d(state === "boot" ? "sysctl-net.netfilter.boot.txt" : "sysctl-net.netfilter.txt")
    .split("\n")
    .map((l) => /^net\.netfilter\.(\S+) = (.*)$/.exec(l))
    .filter(
      (m): m is RegExpExecArray =>
        m !== null &&
        /^(nf_conntrack_log_invalid|nf_log_all_netns|nf_conntrack_count|nf_conntrack_max|nf_log\.\d+)$/.test(
          m[1],
        ),
    )
    .map((m) => `${m[1].replace(/^nf_log\./, "nf_log/")} ${m[2]}`);
  const modules =
    state === "boot"
      ? d("lsmod.boot.txt")
          .split("\n")
          .slice(1)
          .map((l) => l.split(/\s+/))
          .map(([name, , refs]) => `${name} ${refs}`)
      : d("cat-proc-modules.txt")
          .split("\n")
          .map((l) => l.split(" "))
          .map(([name, , refs]) => `${name} ${refs}`);
  const control = state === "boot" ? [] : d("grep-netfilter-proc-dynamic_debug-control.txt").split("\n");
  // The tools whose outputs were recorded on the VM (journalctl, dmesg, conntrack, systemd-run,
  // modprobe, /dev/kmsg); setsid and sudo were not recorded and are left out.
  const tools = ["journalctl", "dmesg", "conntrack", "systemd-run", "modprobe", "systemd", "kmsg"];
  const sections: [string, string[]][] = [
    ["kernel", [d("uname-r.txt")]],
    ["boot_id", [d("cat-proc-sys-kernel-random-boot_id.txt")]],
    ["now", ["1795608796"]],
    ["uid", ["0"]],
    ["sysctl", sysctl],
    [
      "nf_log",
      d(
        state === "boot"
          ? "cat-proc-net-netfilter-nf_log.boot.txt"
          : "cat-proc-net-netfilter-nf_log.after-modprobe-nf_conntrack.txt",
      ).split("\n"),
    ],
    ["modules", modules],
    ["modules_builtin", []],
    ["sysmodule", []],
    ["printk", ["/proc/dynamic_debug/control", ...control]],
    ["tools", tools],
    ["window", []],
    ["changes", []],
    ["history", []],
  ];
  return parseFacts(
    `@@facts\t1\n${sections.map(([name, lines]) => `@@section\t${name}\n${lines.map((l) => `${l}\n`).join("")}`).join("")}@@end\n`,
  );
}

const byName = (caps: Capability[]) => new Map(caps.map((c) => [c.name, c]));
const NAMES = [
  "kernel",
  "initial netns",
  "log_invalid",
  "nf_log bindings",
  "registered loggers",
  "nf_log_all_netns",
  "modules",
  "dynamic debug",
  "log sources",
  "expiry timer",
  "root",
  "conntrack tool",
];

test("every host gets the same rows, and a fix exactly for each missing piece", () => {
  for (const facts of [
    facts618("kernel-6.18-netns.txt"),
    facts618("kernel-6.18-initial-netns.txt"),
    debianFacts("boot"),
    debianFacts("loaded"),
  ]) {
    const caps = diagnose(facts, false);
    assert.deepEqual(
      caps.map((c) => c.name),
      NAMES,
    );
    for (const c of caps) {
      assert.equal(typeof c.value, "string");
      if (c.ok) assert.equal(c.fix, undefined, c.name);
      else assert.ok(c.fix && c.fix.length > 10, `${c.name} has a fix`);
    }
  }
});

test("a 6.18 network namespace host: no nf_log_all_netns and no dynamic debug, each with what to do", () => {
  const caps = byName(diagnose(facts618("kernel-6.18-netns.txt"), false));
  assert.match(caps.get("kernel")!.value, /^6\.18\.\d+-/);
  assert.equal(caps.get("initial netns")!.value, "no (container or namespace)");
  assert.deepEqual(caps.get("log_invalid"), { name: "log_invalid", ok: true, value: "0" });
  assert.equal(
    caps.get("nf_log bindings")!.value,
    "ipv4=nf_log_ipv4 arp=nf_log_arp netdev=nf_log_netdev bridge=nf_log_bridge ipv6=nf_log_ipv6",
  );
  assert.equal(caps.get("registered loggers")!.ok, true);
  assert.deepEqual(caps.get("nf_log_all_netns"), {
    name: "nf_log_all_netns",
    ok: false,
    value: "unavailable",
    fix: "set it on the machine that hosts this namespace; lines from containers need it there",
  });
  assert.deepEqual(caps.get("modules"), {
    name: "modules",
    ok: true,
    value: "no module support (all built in)",
  });
  assert.equal(caps.get("dynamic debug")!.ok, false);
  assert.match(caps.get("dynamic debug")!.fix!, /CONFIG_DYNAMIC_DEBUG/);
  assert.deepEqual(caps.get("log sources"), { name: "log sources", ok: true, value: "kmsg,dmesg" });
  assert.deepEqual(caps.get("expiry timer"), { name: "expiry timer", ok: true, value: "watchdog (setsid)" });
  assert.deepEqual(caps.get("root"), { name: "root", ok: true, value: "yes" });
  assert.deepEqual(caps.get("conntrack tool"), { name: "conntrack tool", ok: true, value: "yes" });
});

test("the initial namespace has nf_log_all_netns", () => {
  const caps = byName(diagnose(facts618("kernel-6.18-initial-netns.txt"), false));
  assert.equal(caps.get("initial netns")!.value, "yes");
  // Recorded with the machine's default, 0; the value is read, whatever it is.
  assert.deepEqual(caps.get("nf_log_all_netns"), { name: "nf_log_all_netns", ok: true, value: "0" });
});

test("root through sudo, and a login that is not root", () => {
  const facts = facts618("kernel-6.18-netns.txt");
  assert.deepEqual(byName(diagnose(facts, true)).get("root"), { name: "root", ok: true, value: "via sudo" });
  const user = byName(diagnose({ ...facts, uid: 1001 }, false)).get("root")!;
  assert.deepEqual(user, {
    name: "root",
    ok: false,
    value: "uid 1001",
    fix: "log in as root or set become: true with passwordless sudo",
  });
});

test("Debian 12 (6.1) at boot: nf_conntrack and the loggers are modules not loaded yet", () => {
  const facts = debianFacts("boot");
  assert.equal(facts.kernel, "6.1.0-50-amd64");
  assert.ok(facts.initialNetns);
  const caps = byName(diagnose(facts, false));
  assert.deepEqual(caps.get("log_invalid"), {
    name: "log_invalid",
    ok: false,
    value: "absent",
    fix: "load nf_conntrack (add it to the profile's modules)",
  });
  assert.deepEqual(caps.get("registered loggers"), {
    name: "registered loggers",
    ok: false,
    value: "none",
    fix: "add nf_log_syslog to the profile's modules",
  });
  assert.deepEqual(caps.get("nf_log_all_netns"), { name: "nf_log_all_netns", ok: true, value: "0" });
  assert.equal(caps.get("modules")!.ok, true);
  assert.match(caps.get("modules")!.value, /^\d+ loaded$/);
  assert.deepEqual(caps.get("dynamic debug"), {
    name: "dynamic debug",
    ok: true,
    value: "/proc/dynamic_debug/control",
  });
  assert.deepEqual(caps.get("log sources"), { name: "log sources", ok: true, value: "journald,kmsg,dmesg" });
  assert.deepEqual(caps.get("expiry timer"), { name: "expiry timer", ok: true, value: "systemd-run" });
});

test("Debian 12 (6.1) after modprobe: log_invalid present, nf_log_syslog registered for the families", () => {
  const caps = byName(diagnose(debianFacts("loaded"), false));
  assert.deepEqual(caps.get("log_invalid"), { name: "log_invalid", ok: true, value: "0" });
  assert.equal(caps.get("registered loggers")!.ok, true);
  assert.match(caps.get("registered loggers")!.value, /nf_log_ipv4/);
  assert.match(caps.get("nf_log bindings")!.value, /^ipv4=nf_log_ipv4 /);
});

test("a kernel without /proc/modules needs no modprobe; one with modules but no modprobe is told to install kmod", () => {
  const facts = facts618("kernel-6.18-netns.txt");
  assert.equal(facts.modules, null);
  const noKmod = byName(diagnose({ ...debianFacts("loaded"), tools: ["dmesg"] }, false)).get("modules")!;
  assert.equal(noKmod.ok, false);
  assert.equal(noKmod.fix, "install kmod (modprobe) to let profiles load modules");
});
