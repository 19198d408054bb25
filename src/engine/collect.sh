# nfdebug collect (after src/shell/frame.sh, lib.sh and src/logs/counters.sh).
# nfd_collect_marks WINDOW: what collect needs to know before it reads the log, of WINDOW ('' : the
# open window, else the newest). Prints nowindow, or "marks ID OPEN PROFILE" (OPEN 1: still open), the
# window's recorded files as "file NAME LINE" frames (see windowMarks.ts), counters-now.out (the
# counters now, while the window is open), closed (its "closed" history line once it ended), printk-control (the control file's lines of the
# dynamic-debug sites it enabled), then end.
nfd_collect_marks() {
  want=$1
  [ -z "$want" ] && [ -f "$J/window" ] && want=$(nfd_window_get id)
  [ -z "$want" ] && want=$(ls -1 "$P/windows" 2>/dev/null | sort | tail -n 1)
  if [ -z "$want" ] || [ ! -d "$P/windows/$want" ]; then
    nfd_emit "nowindow"
    return 0
  fi
  D=$P/windows/$want
  open=0
  [ "$(nfd_window_get id)" = "$want" ] && open=1
  # The window's profile (for its records): the header while it is open, else the history's
  # "opened" line; empty once the history lost it.
  if [ "$open" = 1 ]; then
    profile=$(nfd_window_get profile)
  else
    profile=$(awk -F '\t' -v id="$want" '$1 == "opened" && $2 == id { p = $6 } END { print p }' "$P/windows.log" 2>/dev/null)
  fi
  nfd_emit "marks${TAB}$want${TAB}$open${TAB}$profile"
  for f in source start.out end.out counters-start.out counters-end.out collected.json; do
    if [ -f "$D/$f" ]; then nfd_frame file "$f" < "$D/$f"; fi
  done
  if [ "$open" = 1 ]; then (nfd_counters) | nfd_frame file counters-now.out; fi
  # How a closed window ended: its "closed" history line as revert.sh wrote it (with the trip's
  # measure when its log budget tripped), for collect to say so as status does.
  if [ "$open" = 0 ] && [ -f "$P/windows.log" ]; then
    awk -F '\t' -v id="$want" '$1 == "closed" && $2 == id' "$P/windows.log" 2>/dev/null | nfd_frame file closed
  fi
  nfd_kind_hooks window_collect "$D"
  nfd_emit "end"
}

# nfd_collected WINDOW POSITION [LINES]: keeps the position the collect reached (JSON) for the next
# one, and adds the INVALID lines it read to the window's count (lines) that node_exporter's
# textfile shows while the window is open (textfile.sh).
nfd_collected() {
  mkdir -p "$P/windows/$1" && printf '%s\n' "$2" > "$P/windows/$1/collected.json" || return
  case ${3:-0} in 0 | *[!0-9]*) return 0 ;; esac
  n=0
  { IFS= read -r n < "$P/windows/$1/lines"; } 2>/dev/null
  case $n in '' | *[!0-9]*) n=0 ;; esac
  printf '%s\n' "$((n + $3))" > "$P/windows/$1/lines"
  # Under the lock: a revert between reading the header and writing would leave a file that
  # says a closed window is open. Busy (an apply, a revert): the next collect updates it.
  [ -f "$J/window" ] || return 0
  NFD_LOCK_WHAT="collect of window $1"
  nfd_lock 5 >/dev/null || return 0
  if nfd_window_read && [ "$W_id" = "$1" ]; then nfd_textfile_write; fi
  nfd_unlock
}
