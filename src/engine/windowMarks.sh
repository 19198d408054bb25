# nfdebug window marks (in the apply script, after nfd_begin; see windowMarks.ts for the files).
# nfd_window_marks [KIND DETAIL MARK_SCRIPT]: only when this apply opens a new window (NFD_SAME
# unset): the window's directory, then its log source and mark-end.sh (nfd_marks_source), or, on a
# host without a log source, the counters at its start alone (nfd_counters must be defined then).
nfd_window_marks() {
  [ -z "${NFD_SAME:-}" ] || return 0
  nfd_marks_dir
  if [ $# -gt 0 ]; then
    nfd_marks_source "$@"
  else
    (nfd_counters) > "$NFD_MARKS/counters-start.out" 2>/dev/null
  fi
}

# nfd_marks_dir: makes the window's directory, or sets NFD_FAILED (a full /var/lib stops the apply
# here, before any change), and keeps the marks of the last 20 windows.
nfd_marks_dir() {
  NFD_MARKS="$P/windows/$NFD_ID"
  mkdir -p "$NFD_MARKS" 2>/dev/null || {
    nfd_storage_fail "$P/windows"
    NFD_FAILED=1
  }
  nfd_prune "$P/windows"/*
}

# nfd_prune DIR...: removes all but the last 20. Ids sort by time, so the glob lists them oldest
# first: the extra ones are appended to the arguments, and removed with one rm.
nfd_prune() {
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

# nfd_marks_source KIND DETAIL MARK_SCRIPT: records the log source and installs MARK_SCRIPT as
# mark-end.sh, which revert.sh runs when the window closes (`sh …/mark-end.sh`: $0 names the
# window's directory); sourced here with "start", the same text (sent once) marks the start.
nfd_marks_source() {
  nfd_emit "source${TAB}$1${TAB}$2" 2>/dev/null > "$NFD_MARKS/source" || {
    nfd_storage_fail "$NFD_MARKS"
    NFD_FAILED=1
  }
  printf '%s\n' "$3" 2>/dev/null > "$NFD_MARKS/mark-end.sh" || {
    rm -f "$NFD_MARKS/mark-end.sh"
    nfd_storage_fail "$NFD_MARKS"
    NFD_FAILED=1
  }
  (
    NFD_MARK_DIR=$NFD_MARKS
    set -- start
    . "$NFD_MARKS/mark-end.sh"
  )
}
