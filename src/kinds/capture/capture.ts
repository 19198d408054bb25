// Knob `capture`: tcpdump bound to the NFLOG group nfnetlink_log sends conntrack's INVALID packets
// to, for the window. Planned last: the capture starts after nf_log binds nfnetlink_log.
import type { HostFacts } from "../../facts/types.js";
import type { Profile } from "../../profile/types.js";
import { formatSize } from "../../size.js";
import type { Knob, KnobPlan } from "../types.js";
import { capturePacketLimit } from "./bounds.js";
import type { NflogListener } from "./facts.js";

export interface CaptureStep {
  kind: "capture";
  knob: "capture";
  group: number;
  snaplen: number;
  /** tcpdump -c: the packets after which it stops by itself (max_packets, or fewer for max_bytes). */
  packets: number;
}

export const TCPDUMP_INSTALL = "Debian/Ubuntu: apt install tcpdump; RHEL/Fedora: dnf install tcpdump";

/** "pid 812 (ulogd)", or the netlink portid when the host could not find the process. */
export function describeListener(l: NflogListener): string {
  if (l.pid === undefined) return `netlink portid ${l.portid}, process not found`;
  return `pid ${l.pid}${l.command ? ` (${l.command})` : ""}`;
}

/** Listeners on the group other than the open window's own capture. */
export function otherListeners(facts: HostFacts, group: number): NflogListener[] {
  const own = facts.capture?.running?.pid;
  return (facts.capture?.listeners ?? []).filter(
    (l) => l.group === group && (own === undefined || l.pid !== own),
  );
}

export function planCapture(profile: Profile, facts: HostFacts): KnobPlan<CaptureStep> {
  const plan: KnobPlan<CaptureStep> = { steps: [], problems: [] };
  const capture = profile.capture;
  if (!capture) return plan;
  const group = capture.nflogGroup;
  if (!facts.capture) {
    plan.problems.push(
      "the host's facts say nothing about captures (an nfdebug of another version read them)",
    );
    return plan;
  }
  if (facts.capture.running && facts.window?.id === facts.capture.running.window) return plan;
  // The open window's capture ended (at its bound): joining the window does not start it again.
  if (facts.journal.some((e) => e.kind === "capture:capture")) return plan;
  if (!facts.capture.tcpdump)
    plan.problems.push(
      `tcpdump is not installed, so nothing would listen on NFLOG group ${group} and the packets nfnetlink_log sends there would be dropped: install it (${TCPDUMP_INSTALL})`,
    );
  if (!facts.tools.includes("setsid"))
    plan.problems.push(
      "setsid (package util-linux) is not installed: the capture could not outlive the SSH session",
    );
  for (const l of otherListeners(facts, group))
    plan.problems.push(
      `NFLOG group ${group} is already held by another listener (${describeListener(l)}; ulogd, or another capture): it receives conntrack's INVALID packets already, so read its output there, or stop it to free the group`,
    );
  if (plan.problems.length === 0)
    plan.steps.push({
      kind: "capture",
      knob: "capture",
      group,
      snaplen: capture.snaplen,
      packets: capturePacketLimit(capture),
    });
  return plan;
}

export const captureKnob: Knob<CaptureStep> = {
  name: "capture",
  scope: "netns",
  plan: planCapture,
  describe: (profile) =>
    profile.capture
      ? [
          `capture nflog:${profile.capture.nflogGroup} (snaplen ${profile.capture.snaplen}, at most ${profile.capture.maxPackets} packets, ${formatSize(profile.capture.maxBytes)})`,
        ]
      : [],
};
