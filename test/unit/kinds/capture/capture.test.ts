// Kind capture: the profile rules (nfnetlink_log and a capture come together; bounds), the bounds
// as a tcpdump packet count, the facts sections as a 6.18 namespace host printed them, and the plan.
import { test } from "node:test";
import assert from "node:assert/strict";
import { formatProblem } from "../../../../src/errors.js";
import { FactSections } from "../../../../src/facts/sections.js";
import { parseYaml } from "../../../../src/files/yaml-source.js";
import { capturePacketLimit } from "../../../../src/kinds/capture/bounds.js";
import { captureKnob, planCapture } from "../../../../src/kinds/capture/capture.js";
import { readCaptureFacts } from "../../../../src/kinds/capture/facts.js";
import { captureKind } from "../../../../src/kinds/capture/kind.js";
import { profileProblems, parseProfile } from "../../../../src/profile/load.js";
import type { Profile } from "../../../../src/profile/types.js";
import { netnsFacts } from "../../../support/recordedFacts.js";

const HEAD = "apiVersion: nfdebug/v1\nkind: DebugProfile\nname: p\n";
const problems = (body: string) => profileProblems(parseYaml(`${HEAD}${body}`, "p.yaml")).map(formatProblem);

test("profile: nfnetlink_log without a capture is refused where it is bound, saying the packets would be dropped", () => {
  assert.deepEqual(problems("nf_log:\n  ipv4: nfnetlink_log\n  ipv6: NfNetlink_Log\n"), [
    "p.yaml:5:9: nf_log.ipv4: nfnetlink_log sends each INVALID packet to NFLOG group 0, and without a capture nothing listens there: the packets would be dropped silently. Add a capture block (e.g. capture: {}, tcpdump on each host) or bind the syslog logger instead",
    "p.yaml:6:9: nf_log.ipv6: nfnetlink_log sends each INVALID packet to NFLOG group 0, and without a capture nothing listens there: the packets would be dropped silently. Add a capture block (e.g. capture: {}, tcpdump on each host) or bind the syslog logger instead",
  ]);
});

test("profile: a capture without any nfnetlink_log binding is refused (nothing would reach the group)", () => {
  assert.deepEqual(problems("nf_log: { ipv4: nf_log_ipv4 }\ncapture: {}\n"), [
    "p.yaml:5:1: capture: captures NFLOG group 0, but nf_log binds nfnetlink_log for no family, so conntrack sends nothing there: bind it (e.g. nf_log: { ipv4: nfnetlink_log }) or remove the capture",
  ]);
});

test("profile: capture fields are checked with their location", () => {
  const nflog = "nf_log: { ipv4: nfnetlink_log }\n";
  assert.deepEqual(
    problems(
      `${nflog}capture:\n  nflog_group: 2\n  snaplen: 20\n  max_bytes: lots\n  max_packets: 0\n  ring: 3\n`,
    ),
    [
      "p.yaml:6:16: capture.nflog_group: 2 is not the group conntrack logs to: conntrack's INVALID packets always go to NFLOG group 0",
      "p.yaml:7:12: capture.snaplen: 20 must be at least 128",
      'p.yaml:8:14: capture.max_bytes: "lots" is not a size (examples: 64MiB, 512KiB, 1G)',
      "p.yaml:9:16: capture.max_packets: 0 must be at least 1",
      'p.yaml:10:3: capture: unknown key "ring" (expected one of: nflog_group, snaplen, max_bytes, max_packets)',
    ],
  );
  assert.deepEqual(problems(`${nflog}capture: { max_bytes: 0MiB }\n`), [
    'p.yaml:5:23: capture.max_bytes: "0MiB" must be more than zero',
  ]);
  assert.deepEqual(problems(`${nflog}capture: { snaplen: 1024, max_bytes: 1KiB }\n`), [
    'p.yaml:5:38: capture.max_bytes: "1KiB" holds not even one packet of snaplen 1024 (1064 bytes)',
  ]);
});

test("profile: bounds left out take their defaults; sizes as elsewhere (MiB, bytes)", () => {
  const p = (capture: string) =>
    parseProfile(`${HEAD}nf_log: { ipv4: nfnetlink_log }\ncapture: ${capture}\n`, "p.yaml").capture;
  assert.deepEqual(p("{}"), { nflogGroup: 0, snaplen: 512, maxBytes: 64 * 1024 ** 2, maxPackets: 100_000 });
  assert.deepEqual(p("{ nflog_group: 0, snaplen: 256, max_bytes: 1M, max_packets: 7 }"), {
    nflogGroup: 0,
    snaplen: 256,
    maxBytes: 1024 ** 2,
    maxPackets: 7,
  });
  assert.equal(p("{ max_bytes: 4096 }")?.maxBytes, 4096);
});

test("bounds: tcpdump stops after max_packets, or sooner when max_bytes would be passed", () => {
  const limit = (snaplen: number, maxBytes: number, maxPackets: number) =>
    capturePacketLimit({ snaplen, maxBytes, maxPackets });
  assert.equal(limit(512, 64 * 1024 ** 2, 100_000), 100_000);
  // 1 MiB of 256-byte records: (1048576 - 24) / (16 + 256) = 3854.97
  assert.equal(limit(256, 1024 ** 2, 100_000), 3854);
  assert.ok(24 + 3854 * (16 + 256) <= 1024 ** 2);
  assert.equal(limit(128, 24 + 144, 10), 1);
});

// As a 6.18 namespace host printed them, with `tcpdump -i nflog:0` already running there.
const BUSY = [
  "@@section\tcapture_tool",
  "/usr/bin/tcpdump",
  "tcpdump version 4.99.3",
  "@@section\tnflog_groups",
  "0 17657 17657 tcpdump",
  "@@section\tcapture_running",
  "@@end",
].join("\n");

test("facts: tcpdump's path and version, each bound group's listener, the window's running capture", () => {
  assert.deepEqual(readCaptureFacts(FactSections.parse(BUSY)), {
    capture: {
      tcpdump: { path: "/usr/bin/tcpdump", version: "4.99.3" },
      listeners: [{ group: 0, portid: 17657, pid: 17657, command: "tcpdump" }],
      running: null,
    },
  });
  const missing =
    "@@section\tcapture_tool\n@@section\tnflog_groups\n0 4242 - -\n@@section\tcapture_running\n@@end";
  assert.deepEqual(readCaptureFacts(FactSections.parse(missing)).capture, {
    tcpdump: null,
    listeners: [{ group: 0, portid: 4242 }],
    running: null,
  });
  assert.deepEqual(readCaptureFacts(FactSections.parse("@@end")), { capture: null }, "not asked");
});

const PROFILE: Profile = {
  name: "p",
  nfLog: { ipv4: "nfnetlink_log" },
  capture: { nflogGroup: 0, snaplen: 256, maxBytes: 1024 ** 2, maxPackets: 100_000 },
};

function factsWith(sections: string) {
  const facts = netnsFacts();
  return { ...facts, ...readCaptureFacts(FactSections.parse(sections)) };
}
const FREE =
  "@@section\tcapture_tool\n/usr/bin/tcpdump\ntcpdump version 4.99.3\n@@section\tnflog_groups\n@@section\tcapture_running\n@@end";

test("plan: one step with the bounds as a packet count, on a host with tcpdump and a free group", () => {
  assert.deepEqual(planCapture(PROFILE, factsWith(FREE)), {
    steps: [{ kind: "capture", knob: "capture", group: 0, snaplen: 256, packets: 3854 }],
    problems: [],
  });
  assert.equal(
    captureKind.render({ kind: "capture", knob: "capture", group: 0, snaplen: 256, packets: 3854 }),
    "nfd_capture capture:capture 0 256 3854",
  );
  assert.deepEqual(planCapture({ name: "p" }, factsWith(FREE)), { steps: [], problems: [] }, "no capture");
});

test("plan: tcpdump missing is unsupported, saying what to install", () => {
  const facts = factsWith(FREE.replace("/usr/bin/tcpdump\ntcpdump version 4.99.3\n", ""));
  assert.deepEqual(planCapture(PROFILE, facts).problems, [
    "tcpdump is not installed, so nothing would listen on NFLOG group 0 and the packets nfnetlink_log sends there would be dropped: install it (Debian/Ubuntu: apt install tcpdump; RHEL/Fedora: dnf install tcpdump)",
  ]);
  const doctor = captureKind.doctor(facts);
  assert.equal(doctor[0].ok, false);
  assert.match(doctor[0].fix!, /apt install tcpdump/);
});

test("plan: a group held by another listener is unsupported, naming it; the window's own capture is not another", () => {
  assert.deepEqual(planCapture(PROFILE, factsWith(BUSY)).problems, [
    "NFLOG group 0 is already held by another listener (pid 17657 (tcpdump); ulogd, or another capture): it receives conntrack's INVALID packets already, so read its output there, or stop it to free the group",
  ]);
  assert.deepEqual(captureKind.doctor(factsWith(BUSY))[1], {
    name: "NFLOG group 0",
    ok: false,
    value: "held by pid 17657 (tcpdump)",
    fix: "another listener (ulogd?) receives conntrack's INVALID packets: read its output, or stop it to free the group",
  });
  const own = factsWith(
    BUSY.replace("@@section\tcapture_running", "@@section\tcapture_running\n20261205T121912-702f 17657"),
  );
  own.window = {
    id: "20261205T121912-702f",
    owner: "o",
    profile: "p",
    started: 0,
    expires: 1,
    bootId: "b",
    state: "open",
  };
  assert.deepEqual(planCapture(PROFILE, own), { steps: [], problems: [] }, "joined: its capture runs on");
  assert.equal(captureKind.doctor(own)[1].ok, true);
});

test("plan: joining a window whose capture ended at its bound does not start another over its pcap", () => {
  const facts = factsWith(FREE);
  facts.window = {
    id: "20261205T121912-702f",
    owner: "o",
    profile: "p",
    started: 0,
    expires: 1,
    bootId: "b",
    state: "open",
  };
  facts.journal = [{ kind: "capture:capture", key: "nflog:0", from: "none", to: "running" }];
  assert.deepEqual(planCapture(PROFILE, facts), { steps: [], problems: [] });
  assert.deepEqual(captureKnob.describe(PROFILE), [
    "capture nflog:0 (snaplen 256, at most 100000 packets, 1 MiB)",
  ]);
});
