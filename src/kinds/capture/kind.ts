// Kind `capture`: tcpdump for the window, writing a pcap in the window's directory: bound to an
// NFLOG group (knob capture, nfd_capture), or on an interface with a BPF filter (knob flow, a
// runbook's capture step: nfd_flow). Stopped by nfd_revert_capture (capture.sh); lib.sh finds each
// again safely (pid, start time, boot, command line) and gives collect its files.
import { call } from "../../shell/quote.js";
import { changeType, type Kind } from "../types.js";
import { describeListener, flowKey, otherListeners, TCPDUMP_INSTALL, type CaptureStep } from "./capture.js";

/** The NFLOG group conntrack's INVALID packets go to (nfnetlink_log's default log info). */
const CONNTRACK_GROUP = 0;

export const captureKind: Kind<CaptureStep> = {
  name: "capture",
  shell: new URL("./capture.sh", import.meta.url),
  lib: new URL("./lib.sh", import.meta.url),
  facts: { sh: new URL("./facts.sh", import.meta.url) },
  // Without a profile (doctor, status, facts) too: doctor says whether a capture could run.
  factsArgs: (profile) => (!profile || profile.capture || profile.flows?.length ? ["c:capture"] : []),
  render: (step) =>
    step.knob === "capture"
      ? call("nfd_capture", changeType(step), step.group, step.snaplen, step.packets)
      : call(
          "nfd_flow",
          changeType(step),
          step.name,
          step.interface,
          step.snaplen,
          step.packets,
          step.filter,
        ),
  change: (step) => ({
    knob: step.knob,
    key: step.knob === "capture" ? `nflog:${step.group}` : flowKey(step.name),
    from: "none",
    to: "running",
  }),
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
