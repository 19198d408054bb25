// Which kernel log sources a host has, in order of preference: journald (structured, survives the
// ring buffer), /dev/kmsg (exact sequence numbers), dmesg, then rsyslog's files.
import { MalformedAnswer } from "../../errors.js";
import { parseFrame } from "../../shell/frame.js";
import { call } from "../../shell/quote.js";
import { parseClock, sourceScript, sourceShell } from "./framing.js";
import type { SourceKind } from "./types.js";

export const SYSLOG_FILES = ["/var/log/kern.log", "/var/log/messages"] as const;

export interface DetectedSource {
  kind: SourceKind;
  /** kmsg: "dd" or "timeout" (how it can be read); file: its path. */
  detail: string | null;
}

export interface SourceDetection {
  bootId: string | null;
  kernel: string | null;
  /** Available sources, most preferred first. */
  sources: DetectedSource[];
  preferred: DetectedSource | null;
}

const PREFERENCE: SourceKind[] = ["journald", "kmsg", "dmesg", "file"];

const DETECT_SH = new URL("./detect.sh", import.meta.url);

/** Which kernel log sources the host has (nfd_detect_sources in detect.sh), for a script with frame.sh. */
export function detectSourcesShell(): string {
  return `${sourceShell(DETECT_SH)}\n${call("nfd_detect_sources", ...SYSLOG_FILES)}`;
}

/** The same as a whole script. */
export function detectSourcesScript(): string {
  return sourceScript(DETECT_SH, call("nfd_detect_sources", ...SYSLOG_FILES));
}

export function parseDetectSources(output: string): SourceDetection {
  let bootId: string | null = null;
  let kernel: string | null = null;
  let complete = false;
  const found: DetectedSource[] = [];
  for (const line of output.split("\n")) {
    const frame = parseFrame(line);
    if (!frame) continue;
    const [a, b] = frame.fields;
    if (frame.tag === "clock") bootId = parseClock(frame.fields).bootId;
    else if (frame.tag === "kernel") kernel = a || null;
    else if (frame.tag === "detected") complete = true;
    else if (frame.tag === "source" && (PREFERENCE as string[]).includes(a)) {
      found.push({ kind: a as SourceKind, detail: b ? b : null });
    }
  }
  if (!complete) throw new MalformedAnswer("the source detection output is incomplete (no end line)");
  found.sort((x, y) => PREFERENCE.indexOf(x.kind) - PREFERENCE.indexOf(y.kind));
  return { bootId, kernel, sources: found, preferred: found[0] ?? null };
}
