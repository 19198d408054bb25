// Where a window's kernel log starts and ends, kept on the host in $P/windows/<id>/ (persistent,
// so `collect` still works after the window closed, even after a controller restart):
//   source            "kind<TAB>detail" of the log source chosen at apply time
//   start.out         output of the source's position snippet at apply time
//   counters-start.out, counters-end.out   conntrack counters at both ends
//   mark-end.sh       run by revert.sh when the window closes (before restoring), writes end.out + counters-end.out
//   printk.sites      "file:line func" of the dynamic-debug sites the window enabled
//   collected.json    the position the last collect reached (written by the controller)
import { startPositionScript } from "../logs/sources/reader.js";
import type { DetectedSource } from "../logs/sources/detect.js";
import { countersScript } from "../logs/counters.js";
import { shQuote } from "../shell/quote.js";
import { writeFileScript } from "./host/scripts.js";

/**
 * Lines for the apply script (after nfd_begin, before the steps): record where the log is now and
 * install the end-of-window marker. They run only when this apply opens a new window.
 */
export function windowMarkLines(source: DetectedSource | null): string[] {
  const dir = '"$P/windows/$NFD_ID"';
  const lines = [
    `mkdir -p ${dir}`,
    // Keep the marks of the last 20 windows.
    `ls -1 "$P/windows" | sort -r | awk 'NR > 20' | while read -r old; do rm -rf "$P/windows/$old"; done`,
  ];
  if (source) {
    lines.push(`printf '%s\\t%s\\n' ${shQuote(source.kind)} ${shQuote(source.detail ?? "")} > ${dir}/source`);
    lines.push(`( ${startPositionScript(source)}\n) > ${dir}/start.out 2>/dev/null`);
    const end = `( ${startPositionScript(source)}\n) > "$(dirname "$0")/end.out" 2>/dev/null\n( ${countersScript()}\n) > "$(dirname "$0")/counters-end.out" 2>/dev/null`;
    lines.push(writeFileScript(`${dir}/mark-end.sh`, end));
  }
  lines.push(`( ${countersScript()}\n) > ${dir}/counters-start.out 2>/dev/null`);
  return [`if [ -z "\${NFD_SAME:-}" ]; then`, ...lines, "fi"];
}
