// Loading a profile normalises it: protocol numbers, durations in ms, line ranges as tuples.
import { test } from "node:test";
import assert from "node:assert/strict";
import { InputError } from "../../../src/errors.js";
import { loadProfile, parseProfile } from "../../../src/profile/load.js";
import { protocolNumber, PROTOCOL_NUMBERS } from "../../../src/profile/protocols.js";
import { DEFAULT_BUDGET, windowBudget } from "../../../src/profile/types.js";
import { useRepoRoot } from "../files/repo-root.js";

useRepoRoot();
const HEAD = "apiVersion: nfdebug/v1\nkind: DebugProfile\nname: p\n";

test("protocol names become the numbers the kernel wants", () => {
  const expected = {
    off: 0,
    all: 255,
    tcp: 6,
    udp: 17,
    icmp: 1,
    icmpv6: 58,
    sctp: 132,
    dccp: 33,
    udplite: 136,
    gre: 47,
  };
  assert.deepEqual(
    { ...PROTOCOL_NUMBERS },
    Object.fromEntries(Object.entries(expected).sort(([, a], [, b]) => a - b)),
  );
  for (const [name, number] of Object.entries(expected)) {
    assert.equal(parseProfile(`${HEAD}log_invalid: ${name}\n`, "p.yaml").logInvalid, number, name);
  }
  assert.equal(parseProfile(`${HEAD}log_invalid: 41\n`, "p.yaml").logInvalid, 41);
  assert.equal(protocolNumber(256), undefined);
  assert.equal(protocolNumber("toString"), undefined);
});

test("the full example profile normalises field by field", async () => {
  assert.deepEqual(await loadProfile("test/fixtures/good/profile-full.yaml"), {
    name: "full.example_1",
    description: "Every field, each in its most elaborate form: (tcp) 100% covered.",
    logInvalid: 132,
    nfLog: {
      ipv4: "nfnetlink_log",
      arp: "nf_log_arp",
      netdev: "nf_log_netdev",
      bridge: "NONE",
      ipv6: "nf_log_ipv6",
    },
    capture: { nflogGroup: 0, snaplen: 256, maxBytes: 16 * 1024 ** 2, maxPackets: 5000 },
    nfLogAllNetns: false,
    modules: ["nf_log_syslog", "nf_conntrack", "nf-conntrack-sctp"],
    printk: [
      { file: "net/netfilter/nf_conntrack_proto_tcp.c", line: 1005, flags: "p" },
      { file: "net/netfilter/nf_conntrack_proto_tcp.c", line: [1000, 1010], flags: "pflmts" },
      { func: ["nf_conntrack_*"], module: "nf_conntrack", format: "bad CRC: %d (x=y) <a/b> +-", flags: "mt" },
      { module: "nf_conntrack", flags: "p" },
    ],
    windowMs: 5_400_000,
  });
});

test("nf_log families come out in kernel order (2 ipv4, 3 arp, 5 netdev, 7 bridge, 10 ipv6)", async () => {
  const profile = await loadProfile("test/fixtures/good/profile-full.yaml");
  assert.deepEqual(Object.keys(profile.nfLog!), ["ipv4", "arp", "netdev", "bridge", "ipv6"]);
});

test("absent fields stay absent: they are not managed", async () => {
  assert.deepEqual(await loadProfile("test/fixtures/good/profile-minimal.yaml"), { name: "minimal" });
});

test("parseProfile throws an InputError carrying every located problem", () => {
  const error = (() => {
    try {
      parseProfile(`${HEAD}log_invalid: tpc\nwindow: 0s\n`, "inline.yaml");
    } catch (err) {
      return err;
    }
    return undefined;
  })();
  assert.ok(error instanceof InputError);
  assert.deepEqual(
    error.problems.map((p) => [p.file, p.line, p.col]),
    [
      ["inline.yaml", 4, 14],
      ["inline.yaml", 5, 9],
    ],
  );
  assert.match(error.message, /^inline\.yaml:4:14: log_invalid: "tpc" is not a protocol name/);
});

test("a missing profile file is an InputError naming it", async () => {
  await assert.rejects(loadProfile("test/fixtures/good/nope.yaml"), (err: unknown) => {
    assert.ok(err instanceof InputError);
    assert.deepEqual(err.problems, [
      { file: "test/fixtures/good/nope.yaml", line: 1, col: 1, message: "cannot read: no such file" },
    ]);
    return true;
  });
});

test("a budget: rates per second or minute, defaults for fields left out, off, and the default when absent", () => {
  const budget = (body: string) => parseProfile(`${HEAD}${body}`, "p.yaml");
  assert.deepEqual(budget("budget:\n  max_rate: 500/min\n  interval: 10s\n").budget, {
    max: 500,
    perSeconds: 60,
    maxLines: 5_000_000,
    intervalSeconds: 10,
  });
  assert.deepEqual(budget("budget: { max_rate: 2000/s, max_lines: 7 }\n").budget, {
    max: 2000,
    perSeconds: 1,
    maxLines: 7,
    intervalSeconds: 20,
  });
  assert.equal(windowBudget(budget("log_invalid: tcp\nbudget: off\n")), null);
  // Absent: the default budget where INVALID logging is turned on, none where it is not.
  assert.deepEqual(windowBudget(budget("log_invalid: tcp\n")), DEFAULT_BUDGET);
  assert.equal(windowBudget(budget("log_invalid: off\n")), null);
  assert.equal(windowBudget(budget("nf_log:\n  ipv4: nf_log_ipv4\n")), null);
});

test("a malformed budget is an error at its file:line:col", () => {
  const problems = (body: string) => {
    try {
      parseProfile(`${HEAD}${body}`, "bad.yaml");
    } catch (err) {
      assert.ok(err instanceof InputError);
      return err.message;
    }
    assert.fail("accepted");
  };
  assert.match(
    problems("budget:\n  max_rate: 2000/h\n"),
    /^bad\.yaml:5:13: budget\.max_rate: "2000\/h" is not a rate; expected a whole number of lines per second or minute/,
  );
  assert.match(
    problems("budget:\n  max_lines: -3\n"),
    /^bad\.yaml:5:14: budget\.max_lines: -3 is out of range/,
  );
  assert.match(
    problems("budget:\n  interval: 90s\n"),
    /^bad\.yaml:5:13: budget\.interval: "90s" is not a sampling interval/,
  );
  assert.match(
    problems("budget: on\n"),
    /^bad\.yaml:4:9: budget: "on" is not a budget; expected off or a mapping/,
  );
  assert.match(problems("budget:\n  max_rat: 5/s\n"), /^bad\.yaml:5:3: budget/);
});
