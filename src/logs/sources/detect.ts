// Which kernel log sources a host has, in order of preference: journald (structured, survives the
// ring buffer), /dev/kmsg (exact sequence numbers), dmesg, then rsyslog's files.
import { MalformedAnswer } from "../../errors.js";
import { CLOCK_HEADER, parseClock, splitFrame } from "./framing.js";
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

/**
 * journald counts only when it is running and holds kernel messages of this boot (it may run
 * with ReadKMsg=no, or not at all, as in containers). Needs root for kmsg and, with
 * kernel.dmesg_restrict=1, for dmesg. Inside the facts script the kernel release and clock are
 * already known (NFD_KERNEL, CLOCK_HEADER's variables).
 */
export function detectSourcesScript(): string {
  return `# nfdebug: which kernel log sources this host has
${CLOCK_HEADER}
nfd_has() { command -v "$1" >/dev/null 2>&1; }
printf 'K\\t%s\\n' "\${NFD_KERNEL:-$(uname -r)}"
if nfd_has journalctl && [ -d /run/systemd/journal ] && [ -n "$(journalctl -k -b -n 1 -q --no-pager -o cat 2>/dev/null)" ]; then
  printf 'S\\tjournald\\t\\n'
fi
nfd_kmsg=
if [ -r /dev/kmsg ]; then
  if dd if=/dev/kmsg iflag=nonblock bs=16384 count=1 >/dev/null 2>&1; then
    printf 'S\\tkmsg\\tdd\\n'
    nfd_kmsg=1
  elif nfd_has timeout && timeout 1 head -n 1 /dev/kmsg >/dev/null 2>&1; then
    printf 'S\\tkmsg\\ttimeout\\n'
    nfd_kmsg=1
  fi
fi
# dmesg reads the same buffer (/dev/kmsg, or syslog(2) under the same dmesg_restrict check): when
# /dev/kmsg just gave a record, dmesg works too, without reading the whole buffer to find out.
if nfd_has dmesg && { [ -n "$nfd_kmsg" ] || [ -n "$(dmesg -r 2>/dev/null | head -n 1)" ]; }; then
  printf 'S\\tdmesg\\t\\n'
fi
for nfd_f in ${SYSLOG_FILES.join(" ")}; do
  if [ -r "$nfd_f" ] && [ -s "$nfd_f" ]; then printf 'S\\tfile\\t%s\\n' "$nfd_f"; fi
done
printf 'P\\tdone\\n'
`;
}

export function parseDetectSources(output: string): SourceDetection {
  let bootId: string | null = null;
  let kernel: string | null = null;
  let complete = false;
  const found: DetectedSource[] = [];
  for (const line of output.split("\n")) {
    const frame = splitFrame(line);
    if (!frame) continue;
    const [a, b] = frame.fields;
    if (frame.tag === "H") bootId = parseClock(frame.fields).bootId;
    else if (frame.tag === "K") kernel = a || null;
    else if (frame.tag === "P") complete = true;
    else if (frame.tag === "S" && (PREFERENCE as string[]).includes(a)) {
      found.push({ kind: a as SourceKind, detail: b ? b : null });
    }
  }
  if (!complete) throw new MalformedAnswer("the source detection output is incomplete (no end line)");
  found.sort((x, y) => PREFERENCE.indexOf(x.kind) - PREFERENCE.indexOf(y.kind));
  return { bootId, kernel, sources: found, preferred: found[0] ?? null };
}
