# nfdebug extend: move the open window's expiry. Usage: (body) nfd_extend ID SECONDS
nfd_extend() {
  nfd_lock || exit 3
  trap 'nfd_unlock' EXIT
  if ! nfd_window_read; then
    nfd_emit "extend${TAB}none"
    return 0
  fi
  id=$W_id
  if [ "$id" != "$1" ]; then
    nfd_emit "extend${TAB}other${TAB}$id"
    return 0
  fi
  nfd_clock
  now=$NFD_NOW
  new=$((now + $2))
  W_expires=$new
  if [ -n "$W_timer_unit" ]; then
    # A transient timer cannot be moved: replace it with a new one under a new name.
    systemctl stop "$W_timer_unit.timer" >/dev/null 2>&1
    next="nfdebug-$id-$now"
    if systemd-run --quiet --unit="$next" --on-active="$2s" --timer-property=AccuracySec=1s \
      /bin/sh "$J/expire.sh" once "$id" >/dev/null 2>&1; then
      W_timer_unit=$next
      nfd_window_write
    else
      nfd_window_write
      nfd_emit "fail${TAB}remote${TAB}could not re-arm the systemd timer"
      return 0
    fi
  elif [ -n "$W_watchdog_pid" ]; then
    # Likewise the watchdog, which sleeps until the old expiry: end it (and its sleep: it leads its
    # own process group; the command line check guards against a reused pid) and start a new one.
    cmd=
    { IFS= read -r cmd < "/proc/$W_watchdog_pid/cmdline"; } 2>/dev/null
    case $cmd in
    *expire.sh*) kill -TERM "-$W_watchdog_pid" 2>/dev/null || kill -TERM "$W_watchdog_pid" 2>/dev/null ;;
    esac
    setsid sh "$J/expire.sh" watch "$id" "$2" </dev/null >/dev/null 2>&1 &
    W_watchdog_pid=$!
    nfd_window_write
  else
    nfd_window_write
  fi
  nfd_history "extended${TAB}$id${TAB}$now${TAB}$new"
  nfd_emit "extend${TAB}done${TAB}$id${TAB}$new${TAB}$now"
}
