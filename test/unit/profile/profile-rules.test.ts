// Every rule of schemas/profile.schema.json and every semantic check, with the exact located message.
import { test } from "node:test";
import assert from "node:assert/strict";
import { formatProblem } from "../../../src/errors.js";
import { parseYaml } from "../../../src/files/yaml-source.js";
import { profileProblems } from "../../../src/profile/load.js";

const HEAD = "apiVersion: nfdebug/v1\nkind: DebugProfile\nname: p\n";

function problems(text: string): string[] {
  return profileProblems(parseYaml(text, "p.yaml")).map(formatProblem);
}

const LOG_INVALID_EXPECTED = "expected off, all, tcp, udp, icmp, icmpv6, sctp, dccp, udplite, gre or 0..255";
const NAME_RULE = 'use 1 to 63 lowercase letters, digits, "-", "_" or ".", starting with a letter or digit';
const FILE_RULE = "use letters, digits and _ . / + - * ? (no spaces, quotes or shell characters)";
const FORMAT_RULE = "use 1 to 128 letters, digits, spaces and _ . , : % = ( ) < > / + -";
const MODULE_RULE = 'use letters, digits, "_" and "-" (not first), at most 55 characters';
const DURATION_RULE = "expected a number with a unit (ms, s, m, h, d) like 90s, 15m or 1h30m";

const BAD: Array<[string, string, string[]]> = [
  [
    "apiVersion is required",
    "kind: DebugProfile\nname: p\n",
    ['p.yaml:1:1: missing required key "apiVersion"'],
  ],
  ["kind is required", "apiVersion: nfdebug/v1\nname: p\n", ['p.yaml:1:1: missing required key "kind"']],
  [
    "apiVersion is nfdebug/v1",
    "apiVersion: v1\nkind: DebugProfile\nname: p\n",
    ['p.yaml:1:13: apiVersion: "v1" must be "nfdebug/v1"'],
  ],
  [
    "kind is DebugProfile",
    "apiVersion: nfdebug/v1\nkind: Profile\nname: p\n",
    ['p.yaml:2:7: kind: "Profile" must be "DebugProfile"'],
  ],
  ["the root is a mapping", "[1, 2]\n", ["p.yaml:1:1: must be a mapping (key: value), not a list"]],
  [
    "name at most 63 characters",
    `apiVersion: nfdebug/v1\nkind: DebugProfile\nname: ${"a".repeat(64)}\n`,
    [`p.yaml:3:7: name: "${"a".repeat(64)}" is not a valid name: ${NAME_RULE}`],
  ],
  [
    "name starts with a letter or digit",
    "apiVersion: nfdebug/v1\nkind: DebugProfile\nname: -x\n",
    [`p.yaml:3:7: name: "-x" is not a valid name: ${NAME_RULE}`],
  ],
  [
    "name is a string",
    "apiVersion: nfdebug/v1\nkind: DebugProfile\nname: 12\n",
    [`p.yaml:3:7: name: 12 is not a valid name: ${NAME_RULE}`],
  ],
  [
    "description has no tab",
    `${HEAD}description: "a\\tb"\n`,
    [
      "p.yaml:4:14: description: must be one line of text without control characters (found a newline, tab or other control character)",
    ],
  ],
  [
    "description at most 500 characters",
    `${HEAD}description: ${"x".repeat(501)}\n`,
    [`p.yaml:4:14: description: "${"x".repeat(76)}... is too long (at most 500 characters)`],
  ],
  [
    "log_invalid protocol name",
    `${HEAD}log_invalid: TCP\n`,
    [`p.yaml:4:14: log_invalid: "TCP" is not a protocol name; ${LOG_INVALID_EXPECTED}`],
  ],
  [
    "log_invalid not a float",
    `${HEAD}log_invalid: 6.5\n`,
    [`p.yaml:4:14: log_invalid: 6.5 is not a protocol name; ${LOG_INVALID_EXPECTED}`],
  ],
  [
    "log_invalid at most 255",
    `${HEAD}log_invalid: 1000\n`,
    [
      "p.yaml:4:14: log_invalid: 1000 is out of range; expected 0..255 or off, all, tcp, udp, icmp, icmpv6, sctp, dccp, udplite, gre",
    ],
  ],
  [
    "nf_log is a mapping",
    `${HEAD}nf_log: nf_log_ipv4\n`,
    ['p.yaml:4:9: nf_log: "nf_log_ipv4" must be a mapping (key: value)'],
  ],
  [
    "nf_log arp logger",
    `${HEAD}nf_log:\n  arp: nf_log_ipv4\n`,
    [
      'p.yaml:5:8: nf_log.arp: "nf_log_ipv4" is not a logger for arp; expected nf_log_arp, nfnetlink_log or NONE',
    ],
  ],
  [
    "nf_log bridge logger",
    `${HEAD}nf_log:\n  bridge: none\n`,
    [
      'p.yaml:5:11: nf_log.bridge: "none" is not a logger for bridge; expected nf_log_bridge, nfnetlink_log or NONE',
    ],
  ],
  [
    "nf_log netdev logger",
    `${HEAD}nf_log:\n  netdev: nf_log_syslog\n`,
    [
      'p.yaml:5:11: nf_log.netdev: "nf_log_syslog" is not a logger for netdev; expected nf_log_netdev, nfnetlink_log or NONE',
    ],
  ],
  [
    "nf_log ipv4 logger",
    `${HEAD}nf_log:\n  ipv4: nf_log_arp\n`,
    [
      'p.yaml:5:9: nf_log.ipv4: "nf_log_arp" is not a logger for ipv4; expected nf_log_ipv4, nfnetlink_log or NONE',
    ],
  ],
  [
    "nf_log_all_netns is a boolean",
    `${HEAD}nf_log_all_netns: 1\n`,
    ["p.yaml:4:19: nf_log_all_netns: 1 must be true or false"],
  ],
  [
    "modules is a list",
    `${HEAD}modules: nf_conntrack\n`,
    ['p.yaml:4:10: modules: "nf_conntrack" must be a list'],
  ],
  [
    "modules at most 32",
    `${HEAD}modules: [${Array.from({ length: 33 }, (_, i) => `m${i}`).join(", ")}]\n`,
    ["p.yaml:4:10: modules: must list at most 32 items"],
  ],
  [
    "module name at most 55 characters",
    `${HEAD}modules: [${"m".repeat(56)}]\n`,
    [`p.yaml:4:11: modules[0]: "${"m".repeat(56)}" is not a valid module name: ${MODULE_RULE}`],
  ],
  [
    "module name without slash",
    `${HEAD}modules: [../../evil]\n`,
    [`p.yaml:4:11: modules[0]: "../../evil" is not a valid module name: ${MODULE_RULE}`],
  ],
  [
    "printk items are mappings",
    `${HEAD}printk: [net/netfilter/x.c]\n`,
    ['p.yaml:4:10: printk[0]: "net/netfilter/x.c" must be a mapping (key: value)'],
  ],
  [
    "printk file with a space",
    `${HEAD}printk:\n  - file: "a b.c"\n`,
    [`p.yaml:5:11: printk[0].file: "a b.c" is not a safe source path: ${FILE_RULE}`],
  ],
  [
    "printk file with a quote",
    `${HEAD}printk:\n  - file: "x.c'"\n`,
    [`p.yaml:5:11: printk[0].file: "x.c'" is not a safe source path: ${FILE_RULE}`],
  ],
  [
    "printk file absolute",
    `${HEAD}printk:\n  - file: /etc/passwd\n`,
    [`p.yaml:5:11: printk[0].file: "/etc/passwd" is not a safe source path: ${FILE_RULE}`],
  ],
  [
    "printk file with a newline",
    `${HEAD}printk:\n  - file: "x.c\\n+p"\n`,
    [`p.yaml:5:11: printk[0].file: "x.c\\n+p" is not a safe source path: ${FILE_RULE}`],
  ],
  [
    "printk line is an integer",
    `${HEAD}printk:\n  - file: x.c\n    line: "1005"\n`,
    ['p.yaml:6:11: printk[0].line: "1005" must be an integer'],
  ],
  [
    "printk line at most 9999999",
    `${HEAD}printk:\n  - file: x.c\n    line: 10000000\n`,
    ["p.yaml:6:11: printk[0].line: 10000000 must be at most 9999999"],
  ],
  [
    "printk lines start at 1",
    `${HEAD}printk:\n  - file: x.c\n    lines: 0-10\n`,
    ['p.yaml:6:12: printk[0].lines: "0-10" is not a line range; expected "N-M" like "1000-1010"'],
  ],
  [
    "printk func with a dash",
    `${HEAD}printk:\n  - func: tcp-packet\n`,
    [
      'p.yaml:5:11: printk[0].func: "tcp-packet" is not a valid function name: use letters, digits, "_", "*" and "?"',
    ],
  ],
  [
    "printk module with a space",
    `${HEAD}printk:\n  - module: "nf conntrack"\n`,
    [
      'p.yaml:5:13: printk[0].module: "nf conntrack" is not a valid module name: use letters, digits, "_", "-" (not first), "*" and "?"',
    ],
  ],
  [
    "printk format with a quote",
    `${HEAD}printk:\n  - format: "a\\"b"\n`,
    [`p.yaml:5:13: printk[0].format: "a\\"b" is not a safe format match: ${FORMAT_RULE}`],
  ],
  [
    "printk format with a semicolon",
    `${HEAD}printk:\n  - format: "a; +p"\n`,
    [`p.yaml:5:13: printk[0].format: "a; +p" is not a safe format match: ${FORMAT_RULE}`],
  ],
  [
    "printk format with a hash",
    `${HEAD}printk:\n  - format: "#x"\n`,
    [`p.yaml:5:13: printk[0].format: "#x" is not a safe format match: ${FORMAT_RULE}`],
  ],
  [
    "printk format at most 128",
    `${HEAD}printk:\n  - format: ${"f".repeat(129)}\n`,
    [`p.yaml:5:13: printk[0].format: "${"f".repeat(76)}... is not a safe format match: ${FORMAT_RULE}`],
  ],
  [
    "printk flags not empty",
    `${HEAD}printk:\n  - file: x.c\n    flags: ""\n`,
    ['p.yaml:6:12: printk[0].flags: "" is not a flag set: use letters from p f l m t s d, each at most once'],
  ],
  [
    "printk flags with an operator",
    `${HEAD}printk:\n  - file: x.c\n    flags: +p\n`,
    [
      'p.yaml:6:12: printk[0].flags: "+p" is not a flag set: use letters from p f l m t s d, each at most once',
    ],
  ],
  ["printk is a list", `${HEAD}printk: {}\n`, ["p.yaml:4:9: printk: must be a list, not a mapping"]],
  [
    "window is a string",
    `${HEAD}window: 1.5\n`,
    [`p.yaml:4:9: window: 1.5 is not a duration; ${DURATION_RULE}`],
  ],
  [
    "window units",
    `${HEAD}window: 15min\n`,
    [`p.yaml:4:9: window: "15min" is not a duration; ${DURATION_RULE}`],
  ],
  ["window empty", `${HEAD}window:\n`, [`p.yaml:4:1: window: null is not a duration; ${DURATION_RULE}`]],
  [
    "window negative",
    `${HEAD}window: -5m\n`,
    [`p.yaml:4:9: window: "-5m" is not a duration; ${DURATION_RULE}`],
  ],
  ["window 0ms", `${HEAD}window: 0ms\n`, ['p.yaml:4:9: window: "0ms" must be longer than zero']],
  [
    "duplicate key in a nested mapping",
    `${HEAD}nf_log:\n  ipv4: nf_log_ipv4\n  ipv4: NONE\n`,
    ['p.yaml:6:3: duplicate key "ipv4"'],
  ],
  ["an unknown YAML tag", `${HEAD}log_invalid: !proto tcp\n`, ["p.yaml:4:14: unsupported YAML tag !proto"]],
];

for (const [name, text, expected] of BAD) {
  test(`profile rule: ${name}`, () => assert.deepEqual(problems(text), expected));
}

const GOOD: Array<[string, string]> = [
  [
    "every protocol name",
    ["off", "all", "tcp", "udp", "icmp", "icmpv6", "sctp", "dccp", "udplite", "gre"]
      .map((p) => `log_invalid: ${p}`)
      .join("\n"),
  ],
  ["protocol number 0", "log_invalid: 0"],
  ["protocol number 255", "log_invalid: 255"],
  [
    "every family with its own logger",
    "nf_log:\n  ipv4: nf_log_ipv4\n  ipv6: nf_log_ipv6\n  arp: nf_log_arp\n  bridge: nf_log_bridge\n  netdev: nf_log_netdev",
  ],
  [
    "nfnetlink_log and NONE for any family",
    "nf_log:\n  ipv4: nfnetlink_log\n  arp: NONE\n  bridge: nfnetlink_log\ncapture: {}",
  ],
  [
    "globs in printk keys",
    'printk:\n  - file: "net/netfilter/*"\n    func: "nf_ct_?cp*"\n  - module: "nf_conntrack*"',
  ],
  ["every flag once", "printk:\n  - file: x.c\n    flags: dtsmlfp"],
  ["a line range", "printk:\n  - file: x.c\n    lines: 1-9999999"],
  ["a format with spaces and punctuation", 'printk:\n  - format: "Chunk Num: %d  Type: %d"'],
  ["compound durations", "window: 1h30m15s500ms"],
  ["an empty module list and printk list", "modules: []\nprintk: []"],
];

for (const [name, body] of GOOD) {
  test(`profile accepts ${name}`, () => {
    // Several log_invalid lines would be duplicate keys: those are checked one by one.
    const variants = body.startsWith("log_invalid") ? body.split("\n") : [body];
    for (const variant of variants) assert.deepEqual(problems(`${HEAD}${variant}\n`), [], variant);
  });
}

test("every problem in a file is reported at once, in file order", () => {
  const text = [
    "apiVersion: nfdebug/v1",
    "kind: DebugProfile",
    "name: Bad Name",
    "log_invalid: tpc",
    "lgo_invalid: 6",
    "nf_log:",
    "  ipv6: nf_log_ipv4",
    "modules: [nf_log_syslog, '$(reboot)']",
    "printk:",
    '  - file: "x.c; reboot"',
    "    lines: 30-20",
    "window: 0s",
    "",
  ].join("\n");
  assert.deepEqual(problems(text), [
    `p.yaml:3:7: name: "Bad Name" is not a valid name: ${NAME_RULE}`,
    `p.yaml:4:14: log_invalid: "tpc" is not a protocol name; ${LOG_INVALID_EXPECTED}`,
    'p.yaml:5:1: unknown key "lgo_invalid" (expected one of: apiVersion, kind, name, description, log_invalid, nf_log, capture, nf_log_all_netns, conntrack, modules, printk, window, budget)',
    'p.yaml:7:9: nf_log.ipv6: "nf_log_ipv4" is not a logger for ipv6; expected nf_log_ipv6, nfnetlink_log or NONE',
    `p.yaml:8:26: modules[1]: "$(reboot)" is not a valid module name: ${MODULE_RULE}`,
    `p.yaml:10:11: printk[0].file: "x.c; reboot" is not a safe source path: ${FILE_RULE}`,
    'p.yaml:11:12: printk[0].lines: "30-20" is not a range: 30 comes after 20',
    'p.yaml:12:9: window: "0s" must be longer than zero',
  ]);
});

test("syntax errors stop before the schema (its messages would be noise)", () => {
  assert.deepEqual(problems(`${HEAD}log_invalid: [tcp\nwindow: 0s\n`), [
    "p.yaml:5:1: YAML syntax: Flow sequence in block collection must be sufficiently indented and end with a ]",
  ]);
});

test("printk func: a list of names, any one enough; each checked, not empty; optional is a boolean", () => {
  assert.deepEqual(
    problems(`${HEAD}printk:\n  - func: [do_basic_checks, sctp_new]\n    optional: true\n`),
    [],
  );
  assert.deepEqual(problems(`${HEAD}printk:\n  - func: [do_basic_checks, "a;b"]\n`), [
    'p.yaml:5:29: printk[0].func[1]: "a;b" is not a valid function name: use letters, digits, "_", "*" and "?"',
  ]);
  assert.equal(problems(`${HEAD}printk:\n  - func: []\n`).length, 1);
  assert.equal(problems(`${HEAD}printk:\n  - func: x\n    optional: yes\n`).length, 1);
});
