// Runbooks: schema rules, step order, the profile inline or by path, and the normalised Runbook.
import { test } from "node:test";
import assert from "node:assert/strict";
import { formatProblem, InputError } from "../../../src/errors.js";
import { parseYaml } from "../../../src/files/yaml-source.js";
import { loadRunbook, parseRunbook, runbookProblems } from "../../../src/runbook/load.js";
import { commandHeadline } from "../../../src/runbook/types.js";
import { useRepoRoot } from "../files/repo-root.js";

useRepoRoot();
const HEAD = "apiVersion: nfdebug/v1\nkind: Runbook\nname: rb\nprofile:\n  log_invalid: tcp\n";

async function problems(text: string, file = "rb.yaml"): Promise<string[]> {
  return (await runbookProblems(parseYaml(text, file))).map(formatProblem);
}

const STEP_KEYS = "apply, exec, wait, until, capture, collect, revert, report";
const BAD: Array<[string, string, string[]]> = [
  [
    "kind is Runbook",
    "apiVersion: nfdebug/v1\nkind: runbook\nname: rb\nprofile: {}\nsteps: [apply]\n",
    ['rb.yaml:2:7: kind: "runbook" must be "Runbook"'],
  ],
  [
    "profile is required",
    "apiVersion: nfdebug/v1\nkind: Runbook\nname: rb\nsteps: [apply]\n",
    ['rb.yaml:1:1: missing required key "profile"'],
  ],
  [
    "profile is a path or a mapping",
    `${HEAD.replace("profile:\n  log_invalid: tcp\n", "profile: 3\n")}steps: [apply]\n`,
    ["rb.yaml:4:10: profile: 3 must be a mapping (key: value)"],
  ],
  [
    "profile path is relative",
    `${HEAD.replace("profile:\n  log_invalid: tcp\n", "profile: ~/p.yaml\n")}steps: [apply]\n`,
    [
      'rb.yaml:4:10: profile: "~/p.yaml" must be a path relative to this runbook\'s directory (or the profile inline)',
    ],
  ],
  [
    "inline profile keys",
    `${HEAD}  lgo: 1\nsteps: [apply]\n`,
    [
      'rb.yaml:6:3: profile: unknown key "lgo" (expected one of: apiVersion, kind, name, description, log_invalid, nf_log, capture, nf_log_all_netns, conntrack, modules, printk, window, budget)',
    ],
  ],
  [
    "inline profile window",
    `${HEAD}  window: 0s\nsteps: [apply]\n`,
    ['rb.yaml:6:11: profile.window: "0s" must be longer than zero'],
  ],
  [
    "question is one line",
    `${HEAD}question: "why?\\nreally"\nsteps: [apply]\n`,
    [
      "rb.yaml:6:11: question: must be one line of text without control characters (found a newline, tab or other control character)",
    ],
  ],
  ["steps is a list", `${HEAD}steps: apply\n`, ['rb.yaml:6:8: steps: "apply" must be a list']],
  ["steps not empty", `${HEAD}steps: []\n`, ["rb.yaml:6:8: steps: must list at least 1 item"]],
  [
    "a step is not a number",
    `${HEAD}steps: [apply, 3]\n`,
    ["rb.yaml:6:16: steps[1]: 3 is not a step; a step is a step name or a mapping with one key"],
  ],
  [
    "a step has one key",
    `${HEAD}steps:\n  - apply\n  - {}\n`,
    [`rb.yaml:8:5: steps[1]: a step needs one key: ${STEP_KEYS.replace(", report", " or report")}`],
  ],
  [
    "apply takes no value",
    `${HEAD}steps:\n  - apply: now\n`,
    ['rb.yaml:7:12: steps[0].apply: "now" is not allowed: this step takes no options'],
  ],
  [
    "exec is a mapping",
    `${HEAD}steps:\n  - apply\n  - exec: uptime\n`,
    ['rb.yaml:8:11: steps[1].exec: "uptime" must be a mapping (key: value)'],
  ],
  [
    "exec keys",
    `${HEAD}steps:\n  - apply\n  - exec:\n      command: uptime\n      become: true\n`,
    ['rb.yaml:10:7: steps[1].exec: unknown key "become" (expected one of: command, hosts, timeout)'],
  ],
  [
    "exec command not empty",
    `${HEAD}steps:\n  - apply\n  - exec:\n      command: ""\n`,
    ["rb.yaml:9:16: steps[1].exec.command: must not be empty"],
  ],
  [
    "exec timeout",
    `${HEAD}steps:\n  - apply\n  - exec:\n      command: uptime\n      timeout: 10\n`,
    [
      "rb.yaml:10:16: steps[1].exec.timeout: 10 is not a duration; expected a number with a unit (ms, s, m, h, d) like 90s, 15m or 1h30m",
    ],
  ],
  [
    "until records at least 1",
    `${HEAD}steps:\n  - apply\n  - until:\n      records: 0\n      timeout: 1m\n`,
    ["rb.yaml:9:16: steps[1].until.records: 0 must be at least 1"],
  ],
  [
    "until timeout required",
    `${HEAD}steps:\n  - apply\n  - until:\n      records: 1\n`,
    ['rb.yaml:9:7: steps[1].until: missing required key "timeout"'],
  ],
  [
    "until reason id",
    `${HEAD}steps:\n  - apply\n  - until:\n      reason_id: "Bad CRC"\n      timeout: 1m\n`,
    [
      'rb.yaml:9:18: steps[1].until.reason_id: "Bad CRC" is not a reason id: use lowercase letters, digits, "_", "." and "-"',
    ],
  ],
  [
    "until poll zero",
    `${HEAD}steps:\n  - apply\n  - until:\n      records: 1\n      timeout: 1m\n      poll: 0s\n`,
    ['rb.yaml:11:13: steps[1].until.poll: "0s" must be longer than zero'],
  ],
  [
    "wait zero",
    `${HEAD}steps:\n  - apply\n  - wait: 0m\n`,
    ['rb.yaml:8:11: steps[1].wait: "0m" must be longer than zero'],
  ],
  [
    "report before apply",
    `${HEAD}steps:\n  - report\n  - apply\n`,
    ["rb.yaml:7:5: steps[0]: report needs an apply step before it (apply opens the debug window)"],
  ],
  [
    "until before apply",
    `${HEAD}steps:\n  - until: {records: 1, timeout: 1m}\n  - apply\n`,
    ["rb.yaml:7:5: steps[0]: until needs an apply step before it (apply opens the debug window)"],
  ],
  [
    "window on the runbook",
    `${HEAD}window: forever\nsteps: [apply]\n`,
    [
      'rb.yaml:6:9: window: "forever" is not a duration; expected a number with a unit (ms, s, m, h, d) like 90s, 15m or 1h30m',
    ],
  ],
  [
    "hosts with an exclusion only is fine but a bare ! is not",
    `${HEAD}hosts: "web:!"\nsteps: [apply]\n`,
    ['rb.yaml:6:8: hosts: "web:!" is not a host pattern: "!" needs a name after it'],
  ],
  [
    "capture needs a filter",
    `${HEAD}steps:\n  - apply\n  - capture:\n      interface: lo\n`,
    ['rb.yaml:9:7: steps[1].capture: missing required key "filter"'],
  ],
  [
    "capture filter is one line, not an option",
    `${HEAD}steps:\n  - apply\n  - capture: { filter: "-w /tmp/x" }\n  - capture: { name: b, filter: "tcp\\nport 80" }\n`,
    [
      'rb.yaml:8:24: steps[1].capture.filter: "-w /tmp/x" is not a filter expression: one line, not starting with "-"',
      'rb.yaml:9:33: steps[2].capture.filter: "tcp\\nport 80" is not a filter expression: one line, not starting with "-"',
    ],
  ],
  [
    "capture interface is a name, never the NFLOG group",
    `${HEAD}steps:\n  - apply\n  - capture: { interface: "nflog:0", filter: tcp }\n  - capture: { name: b, interface: "eth0; reboot", filter: tcp }\n`,
    [
      'rb.yaml:8:27: steps[1].capture.interface: "nflog:0" is not a network interface name (up to 15 letters, digits, "_", ".", "@" and "-"; the NFLOG group is the profile\'s capture, not a flow\'s)',
      'rb.yaml:9:36: steps[2].capture.interface: "eth0; reboot" is not a network interface name (up to 15 letters, digits, "_", ".", "@" and "-"; the NFLOG group is the profile\'s capture, not a flow\'s)',
    ],
  ],
  [
    "capture bounds hold a packet",
    `${HEAD}steps:\n  - apply\n  - capture: { filter: tcp, snaplen: 1024, max_bytes: 1KiB }\n`,
    [
      'rb.yaml:8:55: steps[1].capture.max_bytes: "1KiB" holds not even one packet of snaplen 1024 (1064 bytes)',
    ],
  ],
  [
    "capture names are unique",
    `${HEAD}steps:\n  - apply\n  - capture: { filter: tcp }\n  - capture: { filter: udp }\n  - capture: { name: dns, filter: udp port 53 }\n  - capture: { name: dns, filter: tcp port 53 }\n`,
    [
      'rb.yaml:9:5: steps[2]: step 2 captures a flow named "flow" already: give each capture step its own name (it names the pcap)',
      'rb.yaml:11:22: steps[4].capture.name: step 4 captures a flow named "dns" already: give each capture step its own name (it names the pcap)',
    ],
  ],
  [
    "capture inside the window",
    `${HEAD}steps:\n  - capture: { filter: tcp }\n  - apply\n  - revert\n  - capture: { name: late, filter: tcp }\n`,
    [
      "rb.yaml:7:5: steps[0]: capture needs an apply step before it (apply opens the debug window)",
      "rb.yaml:10:5: steps[3]: the window is closed by then (revert is step 3): capture a flow between apply and revert",
    ],
  ],
];
for (const [name, text, expected] of BAD) {
  test(`runbook rule: ${name}`, async () => assert.deepEqual(await problems(text), expected));
}

test("exec commands are operator-authored shell: any character but NUL is accepted", async () => {
  const command = "printf '%s\\n' \"$(uname -r)\" `id -u`; echo done | cat >/dev/null\n\ttrue";
  assert.deepEqual(
    await problems(`${HEAD}steps:\n  - apply\n  - exec:\n      command: ${JSON.stringify(command)}\n`),
    [],
  );
});

test("the inline runbook with every step kind normalises completely", async () => {
  const runbook = await loadRunbook("test/fixtures/good/runbook-inline.yaml");
  assert.deepEqual(runbook, {
    file: "test/fixtures/good/runbook-inline.yaml",
    name: "inline-example",
    description: "A runbook with its profile inline and every step kind.",
    question: "Do SCTP packets become INVALID during the test?",
    profile: { name: "inline-example", logInvalid: 132, nfLog: { ipv4: "nf_log_ipv4" }, windowMs: 1_200_000 },
    hosts: "web*,&eu,!web3",
    windowMs: 1_200_000,
    steps: [
      {
        index: 0,
        line: 13,
        col: 5,
        kind: "exec",
        command:
          "# operator-authored shell, any characters but NUL: 'quotes', \"double\", $(sub) and `ticks`\nprintf '%s\\n' \"$HOSTNAME\" > /dev/null\n",
        hosts: "web1",
        timeoutMs: 15_000,
      },
      { index: 1, line: 19, col: 5, kind: "apply" },
      { index: 2, line: 20, col: 5, kind: "wait", durationMs: 1000 },
      {
        index: 3,
        line: 21,
        col: 5,
        kind: "until",
        reasonId: "sctp.bad_crc",
        timeoutMs: 60_000,
        pollMs: 2000,
      },
      {
        index: 4,
        line: 24,
        col: 5,
        kind: "until",
        records: 5,
        reasonId: "tcp.invalid_flags",
        timeoutMs: 120_000,
        pollMs: 500,
      },
      { index: 5, line: 29, col: 5, kind: "collect" },
      { index: 6, line: 30, col: 5, kind: "revert" },
      { index: 7, line: 31, col: 5, kind: "report" },
    ],
  });
});

test("a capture step takes the capture's defaults for what it leaves out: name flow, interface any, the NFLOG capture's bounds", async () => {
  const runbook = await parseRunbook(
    `${HEAD}steps:\n  - apply\n  - capture: { filter: "tcp port 8080 and (tcp[tcpflags] & tcp-rst != 0)" }\n  - capture: { name: dns, interface: eth0, filter: udp port 53, snaplen: 128, max_bytes: 1MiB, max_packets: 10, hosts: "web*" }\n`,
    "rb.yaml",
  );
  assert.deepEqual(
    runbook.steps.filter((s) => s.kind === "capture"),
    [
      {
        index: 1,
        line: 8,
        col: 5,
        kind: "capture",
        flow: {
          name: "flow",
          interface: "any",
          filter: "tcp port 8080 and (tcp[tcpflags] & tcp-rst != 0)",
          snaplen: 512,
          maxBytes: 64 * 1024 ** 2,
          maxPackets: 100_000,
        },
      },
      {
        index: 2,
        line: 9,
        col: 5,
        kind: "capture",
        flow: {
          name: "dns",
          interface: "eth0",
          filter: "udp port 53",
          snaplen: 128,
          maxBytes: 1024 ** 2,
          maxPackets: 10,
        },
        hosts: "web*",
      },
    ],
  );
});

test("a referenced profile is resolved relative to the runbook; the runbook window wins over it", async () => {
  const runbook = await loadRunbook("playbooks/runbooks/tcp-invalid-triage.yaml");
  assert.equal(runbook.profileFile, "playbooks/profiles/tcp-invalid.yaml");
  assert.equal(runbook.profile.name, "tcp-invalid");
  assert.equal(runbook.profile.windowMs, 15 * 60_000);
  assert.equal(runbook.windowMs, 10 * 60_000);
});

test("without a runbook window the profile's window is used; an inline profile without a name takes the runbook's", async () => {
  const runbook = await parseRunbook(`${HEAD}  window: 7m\nsteps: [apply]\n`, "rb.yaml");
  assert.equal(runbook.windowMs, 7 * 60_000);
  assert.equal(runbook.profile.name, "rb");
  assert.equal(runbook.profileFile, undefined);
  const noWindow = await parseRunbook(`${HEAD}steps: [apply]\n`, "rb.yaml");
  assert.equal(noWindow.windowMs, undefined);
  assert.deepEqual(noWindow.steps, [{ index: 0, line: 6, col: 9, kind: "apply" }]);
});

test("problems in a referenced profile are located in the profile's own file", async () => {
  await assert.rejects(
    loadRunbook("test/fixtures/bad/runbook-referenced-profile-bad.yaml"),
    (err: unknown) => {
      assert.ok(err instanceof InputError);
      assert.deepEqual(
        err.problems.map((p) => [p.file, p.line, p.col]),
        [["test/fixtures/bad/profile-protocol-typo.yaml", 4, 14]],
      );
      return true;
    },
  );
});

test("runbook and profile problems are reported together", async () => {
  const text =
    "apiVersion: nfdebug/v1\nkind: Runbook\nname: rb\nprofile: ../bad/profile-window-zero.yaml\nsteps:\n  - collect\n";
  assert.deepEqual(await problems(text, "test/fixtures/good/rb.yaml"), [
    "test/fixtures/good/rb.yaml:6:3: steps: needs an apply step (apply opens the debug window)",
    "test/fixtures/good/rb.yaml:6:5: steps[0]: collect needs an apply step before it (apply opens the debug window)",
    'test/fixtures/bad/profile-window-zero.yaml:4:9: window: "0s" must be longer than zero',
  ]);
});

test("an exec step is named by its first telling line: not blank, not set -e; a comment's text", () => {
  assert.equal(commandHeadline("set -e\nnft add table inet t\n"), "nft add table inet t");
  assert.equal(
    commandHeadline("\n  # reproduce: 5 SYN+RST segments\nset -eu\npython3 -\n"),
    "reproduce: 5 SYN+RST segments",
  );
  assert.equal(commandHeadline("true"), "true");
  assert.equal(commandHeadline(`echo ${"x".repeat(80)}`, 20), `echo ${"x".repeat(14)}…`);
});
