# nfdebug kind capture: tcpdump bound to an NFLOG group for the window (apply: nfd_capture; revert:
# nfd_revert_capture). Started last, after nf_log binds nfnetlink_log; stopped first on revert,
# expiry and cancel, all of which run revert.sh. A reboot ends the process; the journal in /run
# goes with it, and nfd_capture_find never takes a later process for it.

# nfd_capture TYPE GROUP SNAPLEN COUNT: starts tcpdump on nflog:GROUP writing the window's
# capture.pcap, stopping by itself after COUNT packets (the bounds, see bounds.ts).
nfd_capture() {
  [ -z "$NFD_FAILED" ] || return 0
  nfd_cap_dir=$P/windows/$NFD_ID
  # An open window joined by the same profile keeps its capture; one that ended (at its bound) is
  # not started again over its pcap.
  nfd_capture_find "$nfd_cap_dir" && return 0
  nfd_journaled "$1" "nflog:$2" && return 0
  if ! command -v tcpdump >/dev/null 2>&1; then
    nfd_fail unsupported "tcpdump is not installed (Debian/Ubuntu: apt install tcpdump; RHEL: dnf install tcpdump)"
    return 0
  fi
  if ! command -v setsid >/dev/null 2>&1; then
    nfd_fail unsupported "setsid (util-linux) is not installed: the capture could not outlive this session"
    return 0
  fi
  if ! mkdir -p "$nfd_cap_dir" 2>/dev/null; then
    nfd_storage_fail "$nfd_cap_dir"
    NFD_FAILED=1
    return 0
  fi
  nfd_journal "$1" "nflog:$2" none running || return 0
  # Its own session, stdin/stdout closed and the lock's fd 9 not inherited, so that it outlives
  # this SSH session without holding it or the lock. The shell answers its pid before it becomes
  # tcpdump (exec keeps the pid). -U writes each packet as it comes (collect reads a file in
  # progress); -Z root keeps tcpdump from dropping to a user who cannot write the window's
  # directory; the .pcap name is what distributions' AppArmor profiles let tcpdump write. -B 8192:
  # an 8 MiB socket buffer; with the default a burst of 2000 INVALID packets lost 887 (seen on
  # 6.18: "dropped by kernel"), with it none.
  nfd_cap_ack=$(setsid sh -c 'printf "%s\n" "$$" >&3; exec 3>&-; exec tcpdump -n -i "nflog:$1" -w "$2" -U -s "$3" -c "$4" -B 8192 -Z root' \
    nfd-capture "$2" "$nfd_cap_dir/capture.pcap" "$3" "$4" 3>&1 </dev/null >/dev/null 2>"$nfd_cap_dir/capture.err" 9>&- &)
  case $nfd_cap_ack in '' | *[!0-9]*)
    nfd_fail remote "tcpdump did not start: $(head -c 300 "$nfd_cap_dir/capture.err" 2>/dev/null)"
    return 0
    ;;
  esac
  nfd_boot_id
  nfd_proc_start "$nfd_cap_ack" || nfd_start=
  if ! printf '%s %s %s %s\n' "$nfd_cap_ack" "$nfd_start" "$boot" "$4" 2>/dev/null > "$nfd_cap_dir/capture.pid"; then
    kill -TERM "$nfd_cap_ack" 2>/dev/null
    nfd_storage_fail "$nfd_cap_dir/capture.pid"
    NFD_FAILED=1
    return 0
  fi
  # Bound once tcpdump says it listens (after binding the group); gone means it could not bind.
  nfd_cap_started=
  nfd_cap_tries=0
  while [ "$nfd_cap_tries" -lt 100 ]; do
    if grep -q '^tcpdump: listening on' "$nfd_cap_dir/capture.err" 2>/dev/null; then
      nfd_cap_started=1
      break
    fi
    nfd_capture_find "$nfd_cap_dir" || break
    nfd_cap_tries=$((nfd_cap_tries + 1))
    sleep 0.1 2>/dev/null || sleep 1
  done
  # libpcap binds nfnetlink_log to nf_log.2 itself when it opens nflog: (before it binds the
  # group, so also when that fails; seen on 6.18 with libpcap 1.10): journaled as a side effect,
  # so that revert restores the binding the host had.
  nfd_side_effects
  if [ -z "$nfd_cap_started" ]; then
    if nfd_capture_find "$nfd_cap_dir"; then
      nfd_fail remote "tcpdump on nflog:$2 did not report listening within 10 s"
    else
      nfd_capture_start_failed "$2"
    fi
    return 0
  fi
  nfd_emit "change${TAB}$1${TAB}nflog:$2${TAB}none${TAB}running"
}

# Why tcpdump ended at once: another listener on the group (the kernel refuses a second bind with
# EPERM or EBUSY), or what it printed.
nfd_capture_start_failed() {
  nfd_cap_err=$(grep -v '^tcpdump: listening on' "$nfd_cap_dir/capture.err" 2>/dev/null | head -c 300)
  case $nfd_cap_err in
  *"group index"* | *"not permitted"* | *busy*)
    nfd_fail unsupported "NFLOG group $1 is held by another listener (such as ulogd), so tcpdump could not bind it ($nfd_cap_err): read that listener's output, or free the group"
    ;;
  *) nfd_fail remote "tcpdump on nflog:$1 ended at once: ${nfd_cap_err:-no message}" ;;
  esac
}

# One journal line ($type $key $from $to; key nflog:GROUP): stops the window's tcpdump. SIGINT
# makes tcpdump flush and close the pcap and print its counters; TERM, then KILL, if it lingers.
nfd_revert_capture() {
  nfd_cap_dir=$P/windows/$id
  if ! nfd_capture_find "$nfd_cap_dir"; then
    # Ended at its packet bound, by a full disk, or by a reboot.
    nfd_emit "restored${TAB}$type${TAB}$key${TAB}ended"
    return 0
  fi
  for nfd_cap_sig in INT INT TERM KILL; do
    kill "-$nfd_cap_sig" "$NFD_CAPTURE_PID" 2>/dev/null
    nfd_cap_tries=0
    while nfd_capture_find "$nfd_cap_dir" && [ "$nfd_cap_tries" -lt 20 ]; do
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
