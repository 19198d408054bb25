// Where a window's kernel log starts and ends, kept on the host in $P/windows/<id>/ (persistent,
// so `collect` still works after the window closed, even after a controller restart):
//   source            a "source" frame: kind and detail of the log source chosen at apply time
//   start.out         the frames of the source's position command at apply time (kmsg: the marker
//                     record written into the kernel log, or the newest sequence number)
//   counters-start.out, counters-end.out   conntrack counters at both ends ("counter" frames)
//   mark-end.sh       run by revert.sh when the window closes (before restoring), writes end.out + counters-end.out
//   printk.sites      "file:line func" of the dynamic-debug sites the window enabled
//   collected.json    the position the last collect reached (written by the controller)
// The shell is in windowMarks.sh (apply's part) and markEnd.sh (mark-end.sh's).
import { countersShell } from "../logs/counters.js";
import type { DetectedSource } from "../logs/sources/detect.js";
import { sourceShell } from "../logs/sources/framing.js";
import { windowMark } from "../logs/sources/reader.js";
import { FRAME_SH } from "../shell/frame.js";
import { call } from "../shell/quote.js";
import { shippedFile } from "../shell/shipped.js";

const MARKS_SH = new URL("./windowMarks.sh", import.meta.url);
const MARK_END_SH = new URL("./markEnd.sh", import.meta.url);

/** mark-end.sh: the protocol, the counters, the source's reader and nfd_mark, then one call. */
function markEndScript(source: DetectedSource): string {
  const { file, command } = windowMark(source);
  return [
    shippedFile(FRAME_SH),
    countersShell(),
    sourceShell(file),
    shippedFile(MARK_END_SH),
    // Detection found dd reading /dev/kmsg: the reader skips its probe.
    ...(source.kind === "kmsg" && source.detail === "dd" ? ["NFD_KMSG_READ=dd"] : []),
    `nfd_mark ${command}`,
  ].join("\n");
}

/**
 * Lines for the apply script (after nfd_begin, before the steps): record where the log is now and
 * install the end-of-window marker. They run only when this apply opens a new window. The
 * commands reuse nfd_begin's kernel release and clock (NFD_KERNEL, NFD_CLOCK_NOW, NFD_CLOCK_BOOT).
 */
export function windowMarkLines(source: DetectedSource | null): string[] {
  if (!source) return [shippedFile(MARKS_SH), countersShell(), call("nfd_window_marks")];
  const marks = call("nfd_window_marks", source.kind, source.detail ?? "", markEndScript(source));
  return [shippedFile(MARKS_SH), marks];
}
