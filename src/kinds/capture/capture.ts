// Knobs of kind capture: `capture`, tcpdump bound to the NFLOG group nfnetlink_log sends
// conntrack's INVALID packets to, for the window (planned after nf_log binds nfnetlink_log); and
// `flow`, a bounded tcpdump of one flow on an interface, which a runbook's capture step adds to the
// open window.
import type { HostFacts } from "../../facts/types.js";
import type { FlowCapture, Profile } from "../../profile/types.js";
import { formatSize } from "../../size.js";
import type { Knob, KnobPlan } from "../types.js";
import { capturePacketLimit } from "./bounds.js";
import type { NflogListener } from "./facts.js";

export interface NflogCaptureStep {
  kind: "capture";
  knob: "capture";
  group: number;
  snaplen: number;
  /** tcpdump -c: the packets after which it stops by itself (max_packets, or fewer for max_bytes). */
  packets: number;
}

export interface FlowCaptureStep {
  kind: "capture";
  knob: "flow";
  name: string;
  interface: string;
  filter: string;
  snaplen: number;
  packets: number;
}

export type CaptureStep = NflogCaptureStep | FlowCaptureStep;

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

/** What a host must have to run tcpdump for the window, whatever it listens on. */
function tcpdumpProblems(facts: HostFacts, what: string): string[] {
  const problems: string[] = [];
  if (!facts.capture?.tcpdump)
    problems.push(`tcpdump is not installed, so ${what}: install it (${TCPDUMP_INSTALL})`);
  if (!facts.tools.includes("setsid"))
    problems.push(
      "setsid (package util-linux) is not installed: the capture could not outlive the SSH session",
    );
  return problems;
}

export function planCapture(profile: Profile, facts: HostFacts): KnobPlan<NflogCaptureStep> {
  const plan: KnobPlan<NflogCaptureStep> = { steps: [], problems: [] };
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
  plan.problems.push(
    ...tcpdumpProblems(
      facts,
      `nothing would listen on NFLOG group ${group} and the packets nfnetlink_log sends there would be dropped`,
    ),
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

/** The journal key of a flow capture (and of its files' stem, flow-NAME). */
export function flowKey(name: string): string {
  return `flow:${name}`;
}

/** Each flow not yet journaled in the open window starts once; one that ended is not started again. */
export function planFlows(profile: Profile, facts: HostFacts): KnobPlan<FlowCaptureStep> {
  const plan: KnobPlan<FlowCaptureStep> = { steps: [], problems: [] };
  const flows = (profile.flows ?? []).filter(
    (f) => !facts.journal.some((e) => e.kind === "capture:flow" && e.key === flowKey(f.name)),
  );
  if (flows.length === 0) return plan;
  if (!facts.capture) {
    plan.problems.push(
      "the host's facts say nothing about captures (an nfdebug of another version read them)",
    );
    return plan;
  }
  plan.problems.push(...tcpdumpProblems(facts, "the flow could not be captured"));
  if (plan.problems.length === 0) plan.steps.push(...flows.map(flowStep));
  return plan;
}

function flowStep(flow: FlowCapture): FlowCaptureStep {
  return {
    kind: "capture",
    knob: "flow",
    name: flow.name,
    interface: flow.interface,
    filter: flow.filter,
    snaplen: flow.snaplen,
    packets: capturePacketLimit(flow),
  };
}

export function describeFlow(flow: FlowCapture): string {
  return `capture flow ${flow.name} on ${flow.interface} (${flow.filter}; snaplen ${flow.snaplen}, at most ${flow.maxPackets} packets, ${formatSize(flow.maxBytes)})`;
}

export const flowKnob: Knob<FlowCaptureStep> = {
  name: "flow",
  scope: "netns",
  plan: planFlows,
  describe: (profile) => (profile.flows ?? []).map(describeFlow),
};

export const captureKnob: Knob<NflogCaptureStep> = {
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
