# nfdebug kind capture, library (every host script has it): the window's tcpdump, found again by
# what apply recorded of it, and what collect reads of its files. A window's capture lives in its
# directory DIR ($P/windows/ID): capture.pcap, capture.err (tcpdump's stderr: its counters at
# exit), capture.pid ("PID STARTTIME BOOT_ID PACKET_LIMIT") and capture.collected (bytes of the
# pcap collect has fetched).

# nfd_capture_find DIR: the window's tcpdump pid into NFD_CAPTURE_PID when it still runs, else ""
# (and fails). A pid alone may have been reused (after a reboot, or a long window): the process
# must have the recorded start time, this boot's id, and DIR/capture.pcap on its command line.
nfd_capture_find() {
  NFD_CAPTURE_PID=
  nfd_cap_pid= nfd_cap_start= nfd_cap_boot= nfd_cap_limit=
  { read -r nfd_cap_pid nfd_cap_start nfd_cap_boot nfd_cap_limit < "$1/capture.pid"; } 2>/dev/null || return 1
  case $nfd_cap_pid in '' | *[!0-9]*) return 1 ;; esac
  nfd_boot_id
  [ "$nfd_cap_boot" = "$boot" ] || return 1
  nfd_proc_start "$nfd_cap_pid" || return 1
  [ "$nfd_start" = "$nfd_cap_start" ] && [ "$nfd_state" != Z ] || return 1
  nfd_cmd=
  { IFS= read -r nfd_cmd < "/proc/$nfd_cap_pid/cmdline"; } 2>/dev/null
  case $nfd_cmd in *"$1/capture.pcap"*) ;; *) return 1 ;; esac
  NFD_CAPTURE_PID=$nfd_cap_pid
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

# When collect reads a window (DIR): "capture RUNNING SIZE COLLECTED LIMIT" (tcpdump still runs,
# the pcap's size, the bytes of it collected before, its packet bound), tcpdump's stderr (its
# counters at exit) as capture.err file frames, and the interface names for NFLOG's indexes.
nfd_window_collect_capture() {
  [ -f "$1/capture.pid" ] || return 0
  running=0
  nfd_capture_find "$1" && running=1
  size=$(wc -c < "$1/capture.pcap" 2>/dev/null) || size=0
  collected=0
  { read -r collected < "$1/capture.collected"; } 2>/dev/null
  case $collected in '' | *[!0-9]*) collected=0 ;; esac
  nfd_emit "capture${TAB}$running${TAB}$((size + 0))${TAB}$collected${TAB}${nfd_cap_limit:-0}"
  [ ! -f "$1/capture.err" ] || nfd_frame file capture.err < "$1/capture.err"
  # NFLOG names interfaces by index; the reader maps them back to this host's names.
  awk '{ n = FILENAME; sub(/\/ifindex$/, "", n); sub(/.*\//, "", n); print $1 " " n }' /sys/class/net/*/ifindex 2>/dev/null |
    nfd_frame file ifnames
}

# nfd_capture_fetch WINDOW OFFSET MAX: up to MAX bytes of the window's pcap from OFFSET, base64 in
# "pcap" frames; from an OFFSET past its start, the file's 24-byte header comes first (a reader
# needs it to read the records). tail/head count bytes; base64 keeps them intact on a text channel.
nfd_capture_fetch() {
  nfd_cap_f=$P/windows/$1/capture.pcap
  [ -f "$nfd_cap_f" ] || return 0
  {
    [ "$2" -eq 0 ] || head -c 24 "$nfd_cap_f"
    tail -c "+$(($2 + 1))" "$nfd_cap_f" | head -c "$3"
  } | base64 | sed "s/^/@@pcap$TAB/"
  nfd_emit "end"
}

# nfd_capture_collected WINDOW OFFSET: the bytes of the pcap collect has read, for the next collect.
nfd_capture_collected() {
  [ -d "$P/windows/$1" ] && printf '%s\n' "$2" > "$P/windows/$1/capture.collected"
}
