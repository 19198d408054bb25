# nfdebug kind capture, library (every host script has it): the window's tcpdumps, found again by
# what apply recorded of them, and what collect reads of their files. A window's captures live in
# its directory DIR ($P/windows/ID), each under a file stem: "capture" for the NFLOG capture,
# "flow-NAME" for a flow. STEM.pcap, STEM.err (tcpdump's stderr: its counters at exit), STEM.pid
# ("PID STARTTIME BOOT_ID PACKET_LIMIT") and STEM.collected (bytes of the pcap collect has fetched).

# nfd_capture_find DIR [STEM]: that tcpdump's pid into NFD_CAPTURE_PID when it still runs, else ""
# (and fails). A pid alone may have been reused (after a reboot, or a long window): the process
# must be alive (nfd_capture_alive) and have DIR/STEM.pcap on its command line.
nfd_capture_find() {
  NFD_CAPTURE_PID=
  nfd_capture_alive "$1" "${2:-capture}" || return 1
  nfd_cmd=
  { IFS= read -r nfd_cmd < "/proc/$nfd_cap_pid/cmdline"; } 2>/dev/null
  case $nfd_cmd in *"$nfd_cap_file.pcap"*) ;; *) return 1 ;; esac
  NFD_CAPTURE_PID=$nfd_cap_pid
}

# nfd_capture_alive DIR STEM: the process DIR/STEM.pid names (into nfd_cap_pid) is alive, not a
# zombie, with the recorded start time and this boot's id. Without its command line: while the
# starting shell execs tcpdump, /proc/PID/cmdline reads empty (the new image has no arguments yet;
# seen on 6.18 for most reads right after the pid arrives), so only a capture past its start is
# checked by nfd_capture_find.
nfd_capture_alive() {
  nfd_cap_pid= nfd_cap_start= nfd_cap_boot= nfd_cap_limit=
  nfd_cap_file=$1/$2
  { read -r nfd_cap_pid nfd_cap_start nfd_cap_boot nfd_cap_limit < "$nfd_cap_file.pid"; } 2>/dev/null || return 1
  case $nfd_cap_pid in '' | *[!0-9]*) return 1 ;; esac
  nfd_boot_id
  [ "$nfd_cap_boot" = "$boot" ] || return 1
  nfd_proc_start "$nfd_cap_pid" || return 1
  [ "$nfd_start" = "$nfd_cap_start" ] && [ "$nfd_state" != Z ]
}

# nfd_proc_start PID: its state and start time (fields 3 and 22 of /proc/PID/stat, in clock ticks
# since boot) into nfd_state and nfd_start. The command name (field 2) may hold spaces: skipped to
# its last ")".
nfd_proc_start() {
  nfd_stat=
  { IFS= read -r nfd_stat < "/proc/$1/stat"; } 2>/dev/null
  [ -n "$nfd_stat" ] || return 1
  nfd_stat=${nfd_stat##*) }
  # shellcheck disable=SC2086 # split on purpose: the fields after the command name
  set -- $nfd_stat
  [ $# -ge 20 ] || return 1
  nfd_state=$1
  shift 19
  nfd_start=$1
}

# When collect reads a window (DIR), per capture: "capture STEM RUNNING SIZE COLLECTED LIMIT"
# (tcpdump still runs, the pcap's size, the bytes of it collected before, its packet bound) and
# tcpdump's stderr (its counters at exit) as a STEM.err file frame; then the interface names for
# NFLOG's indexes.
nfd_window_collect_capture() {
  nfd_cap_any=
  for nfd_cap_p in "$1"/capture.pid "$1"/flow-*.pid; do
    [ -f "$nfd_cap_p" ] || continue
    nfd_cap_any=1
    stem=${nfd_cap_p##*/}
    stem=${stem%.pid}
    running=0
    nfd_capture_find "$1" "$stem" && running=1
    size=$(wc -c < "$1/$stem.pcap" 2>/dev/null) || size=0
    collected=0
    { read -r collected < "$1/$stem.collected"; } 2>/dev/null
    case $collected in '' | *[!0-9]*) collected=0 ;; esac
    nfd_emit "capture${TAB}$stem${TAB}$running${TAB}$((size + 0))${TAB}$collected${TAB}${nfd_cap_limit:-0}"
    [ ! -f "$1/$stem.err" ] || nfd_frame file "$stem.err" < "$1/$stem.err"
  done
  [ -n "$nfd_cap_any" ] || return 0
  # NFLOG names interfaces by index; the reader maps them back to this host's names.
  awk '{ n = FILENAME; sub(/\/ifindex$/, "", n); sub(/.*\//, "", n); print $1 " " n }' /sys/class/net/*/ifindex 2>/dev/null |
    nfd_frame file ifnames
}

# nfd_capture_fetch WINDOW STEM OFFSET MAX: up to MAX bytes of the window's STEM.pcap from OFFSET,
# base64 in "pcap" frames; from an OFFSET past its start, the file's 24-byte header comes first (a
# reader needs it to read the records). tail/head count bytes; base64 keeps them intact on a text
# channel.
nfd_capture_fetch() {
  nfd_cap_f=$P/windows/$1/$2.pcap
  [ -f "$nfd_cap_f" ] || return 0
  {
    [ "$3" -eq 0 ] || head -c 24 "$nfd_cap_f"
    tail -c "+$(($3 + 1))" "$nfd_cap_f" | head -c "$4"
  } | base64 | sed "s/^/@@pcap$TAB/"
  nfd_emit "end"
}

# nfd_capture_collected WINDOW STEM OFFSET: the bytes of STEM.pcap collect has read, for the next collect.
nfd_capture_collected() {
  [ -d "$P/windows/$1" ] && printf '%s\n' "$3" > "$P/windows/$1/$2.collected"
}
