# nfdebug mark-end.sh (after src/shell/frame.sh, src/logs/counters.sh and the log source's reader),
# written into a window's directory at apply (windowMarks.ts). Run as `sh DIR/mark-end.sh` when the
# window closes, sourced by apply with "start" as $1 and NFD_MARK_DIR.
NFD_MARK_AT=${1:-end}
# nfd_mark COMMAND...: the log position COMMAND prints (kmsg: the marker record it writes) into
# AT.out, and the conntrack counters into counters-AT.out, in the window's directory.
nfd_mark() {
  nfd_dir=${NFD_MARK_DIR:-${0%/*}}
  NFD_MARK_WINDOW=${nfd_dir##*/}
  ("$@") > "$nfd_dir/$NFD_MARK_AT.out" 2>/dev/null
  (nfd_counters) > "$nfd_dir/counters-$NFD_MARK_AT.out" 2>/dev/null
}
