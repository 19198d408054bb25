# nfdebug kind capture, facts (with the argument "c:capture"): tcpdump's path and version, the NFLOG
# groups bound in this network namespace with the process listening on each ("GROUP PORTID PID
# COMM", "-" when not found), and the open window's running capture ("WINDOW PID").
for a in "$@"; do
  [ "$a" = c:capture ] || continue
  nfd_emit "section${TAB}capture_tool"
  # One that does not run (a broken install, a stub) is as good as none.
  if nfd_cap_tool=$(command -v tcpdump 2>/dev/null) && nfd_cap_version=$(tcpdump --version 2>&1); then
    printf '%s\n%s\n' "$nfd_cap_tool" "${nfd_cap_version%%"$NL"*}"
  fi
  nfd_emit "section${TAB}nflog_groups"
  # A group's listener is the netlink socket (protocol 12, NETLINK_NETFILTER) with its portid; its
  # inode leads to the process holding it.
  awk 'FILENAME ~ /netlink$/ { if ($2 == 12) inode[$3] = $10; next }
    { print $1, $2, ($2 in inode ? inode[$2] : "-") }' /proc/net/netlink /proc/net/netfilter/nfnetlink_log 2>/dev/null |
    while read -r g portid inode; do
      pid=-
      comm=-
      if [ "$inode" != - ]; then
        fd=$(find /proc/[0-9]*/fd -lname "socket:\\[$inode\\]" -print -quit 2>/dev/null)
        if [ -n "$fd" ]; then
          pid=${fd#/proc/}
          pid=${pid%%/*}
          { IFS= read -r comm < "/proc/$pid/comm"; } 2>/dev/null || comm=-
        fi
      fi
      printf '%s %s %s %s\n' "$g" "$portid" "$pid" "$comm"
    done
  nfd_emit "section${TAB}capture_running"
  if nfd_window_read && nfd_capture_find "$P/windows/$W_id"; then
    printf '%s %s\n' "$W_id" "$NFD_CAPTURE_PID"
  fi
  break
done
