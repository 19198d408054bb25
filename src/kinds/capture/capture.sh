# nfdebug kind capture: tcpdump for the window, writing a pcap in the window's directory. Knob
# capture: bound to the NFLOG group nfnetlink_log sends INVALID packets to (nfd_capture), started
# last, after nf_log binds nfnetlink_log. Knob flow: one flow on an interface with a BPF filter
# (nfd_flow), added to the open window by a runbook's capture step. Both are stopped by
# nfd_revert_capture, first on revert, expiry and cancel (newest journal line first), all of which
# run revert.sh. A reboot ends the process; the journal in /run goes with it, and nfd_capture_find
# never takes a later process for it.

# nfd_capture TYPE GROUP SNAPLEN COUNT: tcpdump on nflog:GROUP writing the window's capture.pcap,
# stopping by itself after COUNT packets (the bounds, see bounds.ts).
nfd_capture() {
  [ -z "$NFD_FAILED" ] || return 0
  # An open window joined by the same profile keeps its capture; one that ended (at its bound) is
  # not started again over its pcap.
  nfd_capture_find "$P/windows/$NFD_ID" capture && return 0
  nfd_journaled "$1" "nflog:$2" && return 0
  nfd_tcpdump_start "$1" "nflog:$2" capture "nflog:$2" "$3" "$4" ''
  nfd_cap_rc=$?
  # libpcap binds nfnetlink_log to nf_log.2 itself when it opens nflog: (before it binds the
  # group, so also when that fails; seen on 6.18 with libpcap 1.10): journaled as a side effect,
  # so that revert restores the binding the host had.
  [ -z "$nfd_cap_spawned" ] || nfd_side_effects
  case $nfd_cap_rc in
  0) nfd_emit "change${TAB}$1${TAB}nflog:$2${TAB}none${TAB}running" ;;
  1) nfd_capture_start_failed "$2" ;;
  esac
}

# nfd_flow TYPE NAME INTERFACE SNAPLEN COUNT FILTER: tcpdump on INTERFACE with the BPF FILTER,
# writing the window's flow-NAME.pcap, stopping by itself after COUNT packets.
nfd_flow() {
  [ -z "$NFD_FAILED" ] || return 0
  nfd_journaled "$1" "flow:$2" && return 0
  nfd_tcpdump_start "$1" "flow:$2" "flow-$2" "$3" "$4" "$5" "$6"
  case $? in
  0) nfd_emit "change${TAB}$1${TAB}flow:$2${TAB}none${TAB}running" ;;
  1)
    nfd_cap_err=$(grep -v '^tcpdump: listening on' "$nfd_cap_dir/flow-$2.err" 2>/dev/null | head -c 300)
    case $nfd_cap_err in
    *"syntax error"* | *"can't parse filter"* | *"illegal"* | *"unknown"*)
      nfd_fail remote "tcpdump refused the filter of flow $2 ($6): $nfd_cap_err"
      ;;
    *"No such device"* | *"doesn't exist"*)
      nfd_fail unsupported "interface $3 does not exist on this host, so flow $2 cannot be captured: $nfd_cap_err"
      ;;
    *) nfd_fail remote "tcpdump for flow $2 on $3 ended at once: ${nfd_cap_err:-no message, $nfd_cap_gone}" ;;
    esac
    ;;
  esac
}

# nfd_tcpdump_start TYPE KEY STEM INTERFACE SNAPLEN COUNT FILTER: journals TYPE KEY, then starts
# tcpdump on INTERFACE (FILTER may be empty) writing STEM.pcap in the window's directory (stderr
# STEM.err, "PID STARTTIME BOOT_ID COUNT" in STEM.pid) and waits until it listens. Returns 0 when it
# listens, 1 when it ended at once (STEM.err says why), 2 after any other failure (reported).
nfd_tcpdump_start() {
  nfd_cap_dir=$P/windows/$NFD_ID
  nfd_cap_spawned=
  if ! command -v tcpdump >/dev/null 2>&1; then
    nfd_fail unsupported "tcpdump is not installed (Debian/Ubuntu: apt install tcpdump; RHEL: dnf install tcpdump)"
    return 2
  fi
  if ! command -v setsid >/dev/null 2>&1; then
    nfd_fail unsupported "setsid (util-linux) is not installed: the capture could not outlive this session"
    return 2
  fi
  if ! mkdir -p "$nfd_cap_dir" 2>/dev/null; then
    nfd_storage_fail "$nfd_cap_dir"
    NFD_FAILED=1
    return 2
  fi
  nfd_journal "$1" "$2" none running || return 2
  # Its own session, stdin/stdout closed and the lock's fd 9 not inherited, so that it outlives
  # this SSH session without holding it or the lock. Where systemd runs, also its own scope unit:
  # under KillUserProcesses=yes logind kills what is left in the session's scope at logout. The
  # shell answers its pid before it becomes tcpdump (exec keeps the pid; so does systemd-run
  # --scope, which execs the command). -U writes each packet as it comes (collect reads a file in
  # progress); -Z root keeps tcpdump from dropping to a user who cannot write the window's
  # directory; the .pcap name is what distributions' AppArmor profiles let tcpdump write. -B 8192:
  # an 8 MiB socket buffer; with the default a burst of 2000 INVALID packets lost 887 (seen on
  # 6.18: "dropped by kernel"), with it none.
  set -- "$3" "$4" "$5" "$6" "$7"
  nfd_cap_spawned=1
  nfd_cap_scope=
  if [ -d /run/systemd/system ] && command -v systemd-run >/dev/null 2>&1; then
    nfd_cap_scope="systemd-run --scope --quiet --unit=nfdebug-$NFD_ID-$1 --"
  fi
  # shellcheck disable=SC2086 # nfd_cap_scope is words on purpose (empty without systemd)
  nfd_cap_ack=$(setsid $nfd_cap_scope sh -c 'printf "%s\n" "$$" >&3; exec 3>&-; exec tcpdump -n -i "$1" -w "$2" -U -s "$3" -c "$4" -B 8192 -Z root ${5:+"$5"}' \
    nfd-capture "$2" "$nfd_cap_dir/$1.pcap" "$3" "$4" "$5" 3>&1 </dev/null >/dev/null 2>"$nfd_cap_dir/$1.err" 9>&- &)
  case $nfd_cap_ack in '' | *[!0-9]*)
    nfd_fail remote "tcpdump did not start: $(head -c 300 "$nfd_cap_dir/$1.err" 2>/dev/null)"
    return 2
    ;;
  esac
  nfd_boot_id
  nfd_proc_start "$nfd_cap_ack" || nfd_start=
  if ! printf '%s %s %s %s\n' "$nfd_cap_ack" "$nfd_start" "$boot" "$4" 2>/dev/null > "$nfd_cap_dir/$1.pid"; then
    kill -TERM "$nfd_cap_ack" 2>/dev/null
    nfd_storage_fail "$nfd_cap_dir/$1.pid"
    NFD_FAILED=1
    return 2
  fi
  # Running once tcpdump says it listens (after binding the group or opening the interface and
  # compiling the filter); gone means it could not.
  nfd_cap_tries=0
  while [ "$nfd_cap_tries" -lt 100 ]; do
    grep -q '^tcpdump: listening on' "$nfd_cap_dir/$1.err" 2>/dev/null && return 0
    if ! nfd_capture_alive "$nfd_cap_dir" "$1"; then
      # What was seen, for a tcpdump that printed nothing (killed by a signal).
      if [ ! -e "/proc/$nfd_cap_ack" ]; then nfd_cap_gone="pid $nfd_cap_ack exited"
      elif [ "$nfd_state" = Z ]; then nfd_cap_gone="pid $nfd_cap_ack exited (a zombie)"
      else nfd_cap_gone="pid $nfd_cap_ack is another process now"; fi
      return 1
    fi
    nfd_cap_tries=$((nfd_cap_tries + 1))
    sleep 0.1 2>/dev/null || sleep 1
  done
  nfd_fail remote "tcpdump on $2 did not report listening within 10 s"
  return 2
}

# Why tcpdump ended at once on nflog:GROUP: another listener on the group (the kernel refuses a
# second bind with EPERM or EBUSY), or what it printed.
nfd_capture_start_failed() {
  nfd_cap_err=$(grep -v '^tcpdump: listening on' "$nfd_cap_dir/capture.err" 2>/dev/null | head -c 300)
  case $nfd_cap_err in
  *"group index"* | *"not permitted"* | *busy*)
    nfd_fail unsupported "NFLOG group $1 is held by another listener (such as ulogd), so tcpdump could not bind it ($nfd_cap_err): read that listener's output, or free the group"
    ;;
  *) nfd_fail remote "tcpdump on nflog:$1 ended at once: ${nfd_cap_err:-no message, $nfd_cap_gone}" ;;
  esac
}

# One journal line ($type $key $from $to; key nflog:GROUP or flow:NAME): stops that tcpdump. SIGINT
# makes tcpdump flush and close the pcap and print its counters; TERM, then KILL, if it lingers.
nfd_revert_capture() {
  nfd_cap_dir=$P/windows/$id
  case $key in
  flow:*) nfd_cap_stem=flow-${key#flow:} ;;
  *) nfd_cap_stem=capture ;;
  esac
  if ! nfd_capture_find "$nfd_cap_dir" "$nfd_cap_stem"; then
    # Ended at its packet bound, by a full disk, or by a reboot.
    nfd_emit "restored${TAB}$type${TAB}$key${TAB}ended"
    return 0
  fi
  for nfd_cap_sig in INT INT TERM KILL; do
    kill "-$nfd_cap_sig" "$NFD_CAPTURE_PID" 2>/dev/null
    nfd_cap_tries=0
    while nfd_capture_find "$nfd_cap_dir" "$nfd_cap_stem" && [ "$nfd_cap_tries" -lt 20 ]; do
      sleep 0.1 2>/dev/null || sleep 1
      nfd_cap_tries=$((nfd_cap_tries + 1))
    done
    if [ -z "$NFD_CAPTURE_PID" ]; then
      nfd_emit "restored${TAB}$type${TAB}$key${TAB}running${TAB}none"
      return 0
    fi
  done
  nfd_revert_failed "tcpdump (pid $NFD_CAPTURE_PID) did not stop"
}
nfd_revert_finish_capture() { :; }
