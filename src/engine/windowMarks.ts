// Where a window's kernel log starts and ends, kept on the host in $P/windows/<id>/ (persistent,
// so `collect` still works after the window closed, even after a controller restart):
//   source            "kind<TAB>detail" of the log source chosen at apply time
//   start.out         output of the source's position snippet at apply time (kmsg: the marker
//                     record written into the kernel log, or the newest sequence number)
//   counters-start.out, counters-end.out   conntrack counters at both ends
//   mark-end.sh       run by revert.sh when the window closes (before restoring), writes end.out + counters-end.out
//   printk.sites      "file:line func" of the dynamic-debug sites the window enabled
//   collected.json    the position the last collect reached (written by the controller)
import { windowMarkScript } from "../logs/sources/reader.js";
import type { DetectedSource } from "../logs/sources/detect.js";
import { countersScript } from "../logs/counters.js";
import { shQuote } from "../shell/quote.js";

/**
 * Lines for the apply script (after nfd_begin, before the steps): record where the log is now and
 * install the end-of-window marker. They run only when this apply opens a new window. Builtins
 * where they can: the snippets reuse nfd_begin's kernel release and clock (NFD_KERNEL,
 * NFD_CLOCK_NOW, NFD_CLOCK_BOOT), and mark-end.sh is written by printf, not cat.
 */
export function windowMarkLines(source: DetectedSource | null): string[] {
  const dir = '"$P/windows/$NFD_ID"';
  const lines = [
    // A full /var/lib stops the apply here, before any change.
    `mkdir -p ${dir} 2>/dev/null || { nfd_storage_fail "$P/windows"; NFD_FAILED=1; }`,
    // Keep the marks of the last 20 windows. Ids sort by time, so the glob lists them oldest first:
    // the extra ones are appended to the arguments, and removed with one rm.
    `nfd_prune() {
  nfd_all=$#
  nfd_n=$(($# - 20))
  [ "$nfd_n" -gt 0 ] || return 0
  for nfd_d do
    [ "$nfd_n" -gt 0 ] || break
    set -- "$@" "$nfd_d"
    nfd_n=$((nfd_n - 1))
  done
  shift "$nfd_all"
  rm -rf "$@"
}
nfd_prune "$P/windows"/*`,
  ];
  if (source) {
    const failed = `{ nfd_storage_fail ${dir}; NFD_FAILED=1; }`;
    lines.push(
      `printf '%s\\t%s\\n' ${shQuote(source.kind)} ${shQuote(source.detail ?? "")} 2>/dev/null > ${dir}/source || ${failed}`,
    );
    // mark-end.sh writes end.out and counters-end.out when revert.sh runs it (`sh …/mark-end.sh`:
    // $0 names the window's directory); sourced here with "start", the same text (sent once)
    // writes start.out and counters-start.out.
    const kmsgDd = source.kind === "kmsg" && source.detail === "dd" ? "NFD_KMSG_READ=dd\n" : "";
    // On kmsg the mark is a record written into the log, "nfdebug: window ID start|end NONCE".
    const marks = `nfd_dir=\${NFD_MARK_DIR:-\${0%/*}}\nnfd_at=\${1:-end}\nNFD_MARK_WINDOW=\${nfd_dir##*/} NFD_MARK_AT=$nfd_at\n${kmsgDd}( ${windowMarkScript(source)}\n) > "$nfd_dir/$nfd_at.out" 2>/dev/null\n( ${countersScript()}\n) > "$nfd_dir/counters-$nfd_at.out" 2>/dev/null`;
    lines.push(
      `printf '%s\\n' ${shQuote(marks)} 2>/dev/null > ${dir}/mark-end.sh || { rm -f ${dir}/mark-end.sh; ${failed}; }`,
    );
    lines.push(`( NFD_MARK_DIR=${dir}; set -- start; . ${dir}/mark-end.sh )`);
  } else {
    lines.push(`( ${countersScript()}\n) > ${dir}/counters-start.out 2>/dev/null`);
  }
  return [`if [ -z "\${NFD_SAME:-}" ]; then`, ...lines, "fi"];
}
