// Kind `capture`, facts: the sections facts.sh prints when asked ("c:capture"): "capture_tool"
// (tcpdump's path, then its version line), "nflog_groups" ("GROUP PORTID PID COMM" per bound
// group) and "capture_running" ("WINDOW PID" of the open window's capture).
import type { FactSections } from "../../facts/sections.js";

export interface NflogListener {
  group: number;
  portid: number;
  /** The process holding the group's socket, when the host found it. */
  pid?: number;
  command?: string;
}

export interface CaptureFacts {
  /** Null when the facts were not asked about captures (no capture in the profile). */
  capture: {
    tcpdump: { path: string; version: string } | null;
    listeners: NflogListener[];
    /** The open window's own capture, still running. */
    running: { window: string; pid: number } | null;
  } | null;
}

export function parseNflogListener(line: string): NflogListener | undefined {
  const [group, portid, pid, command] = line.trim().split(/\s+/);
  if (!/^\d+$/.test(group ?? "") || !/^\d+$/.test(portid ?? "")) return undefined;
  return {
    group: Number(group),
    portid: Number(portid),
    ...(/^\d+$/.test(pid ?? "") ? { pid: Number(pid) } : {}),
    ...(command && command !== "-" ? { command } : {}),
  };
}

export function readCaptureFacts(sections: FactSections): CaptureFacts {
  if (!sections.has("capture_tool")) return { capture: null };
  const [path, version = ""] = sections.lines("capture_tool");
  const [window, pid] = sections.first("capture_running").split(" ");
  return {
    capture: {
      tcpdump: path ? { path, version: version.replace(/^tcpdump version\s*/, "") } : null,
      listeners: sections.lines("nflog_groups").flatMap((l) => parseNflogListener(l) ?? []),
      running: window && /^\d+$/.test(pid ?? "") ? { window, pid: Number(pid) } : null,
    },
  };
}
