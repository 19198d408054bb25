// Kind `capture`: a process bound to an NFLOG group for the window (tcpdump writing a pcap in the
// window's directory). Started by nfd_capture, stopped by nfd_revert_capture (capture.sh); lib.sh
// finds it again safely (pid, start time, boot, command line) and gives collect its files.
import { call } from "../../shell/quote.js";
import { changeType, type Kind } from "../types.js";
import { describeListener, otherListeners, TCPDUMP_INSTALL, type CaptureStep } from "./capture.js";

/** The NFLOG group conntrack's INVALID packets go to (nfnetlink_log's default log info). */
const CONNTRACK_GROUP = 0;

export const captureKind: Kind<CaptureStep> = {
  name: "capture",
  shell: new URL("./capture.sh", import.meta.url),
  lib: new URL("./lib.sh", import.meta.url),
  facts: { sh: new URL("./facts.sh", import.meta.url) },
  // Without a profile (doctor, status, facts) too: doctor says whether a capture could run.
  factsArgs: (profile) => (!profile || profile.capture ? ["c:capture"] : []),
  render: (step) => call("nfd_capture", changeType(step), step.group, step.snaplen, step.packets),
  change: (step) => ({ knob: step.knob, key: `nflog:${step.group}`, from: "none", to: "running" }),
  displayKey: (key) => key,
  summary: (facts) =>
    facts.capture
      ? [
          `tcpdump=${facts.capture.tcpdump?.version || (facts.capture.tcpdump ? "yes" : "absent")}`,
          `nflog_groups=${facts.capture.listeners.map((l) => l.group).join(",") || "none"}`,
        ]
      : [],
  doctor(facts) {
    if (!facts.capture) return [];
    const tcpdump = facts.capture.tcpdump;
    const others = otherListeners(facts, CONNTRACK_GROUP);
    return [
      {
        name: "tcpdump (capture)",
        ok: tcpdump !== null,
        value: tcpdump ? `${tcpdump.path} ${tcpdump.version}`.trim() : "absent",
        fix: `install tcpdump to capture nfnetlink_log's packets (${TCPDUMP_INSTALL})`,
      },
      {
        name: `NFLOG group ${CONNTRACK_GROUP}`,
        ok: others.length === 0,
        value: others.length === 0 ? "free" : `held by ${others.map(describeListener).join(", ")}`,
        fix: "another listener (ulogd?) receives conntrack's INVALID packets: read its output, or stop it to free the group",
      },
    ];
  },
};
