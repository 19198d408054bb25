# nfdebug extend: move the open window's expiry. Usage: (body) nfd_extend ID SECONDS
# The new switch is armed before the old one is stopped: at every moment one of them is alive.
nfd_extend() {
  NFD_LOCK_WHAT="extend of window $1"
  nfd_lock || exit 3
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
  nfd_boot_id
  if nfd_overdue "$now" "$boot"; then
    # Too late to extend: its switch waits for the lock (this run's) or died. Revert it now.
    nfd_revert_path
    NFD_LOCK_HELD=1 sh "$NFD_REVERT" expired 0 "$id" | sed 's/^@@/@@overdue-/'
    nfd_emit "extend${TAB}expired${TAB}$id"
    return 0
  fi
  new=$((now + $2))
  old_unit=$W_timer_unit
  old_pid=$W_watchdog_pid
  W_expires=$new
  if [ -n "$old_unit" ] || [ -n "$old_pid" ]; then
    # A transient timer cannot be moved, and the watchdog sleeps towards the old expiry: a new
    # switch (a new unit name), then the header, then the old one stopped.
    if ! nfd_arm "$id" "$2" "$now"; then
      nfd_emit "fail${TAB}remote${TAB}could not arm a new dead-man's switch ($NFD_ARM_ERROR): the window keeps its old expiry"
      return 0
    fi
    if ! nfd_window_write; then
      nfd_disarm
      nfd_storage_fail "$J/window"
      return 0
    fi
    new_unit=$W_timer_unit new_pid=$W_watchdog_pid
    W_timer_unit=$old_unit W_watchdog_pid=$old_pid
    nfd_disarm
    W_timer_unit=$new_unit W_watchdog_pid=$new_pid
  elif ! nfd_window_write; then
    nfd_storage_fail "$J/window"
    return 0
  fi
  nfd_history "extended${TAB}$id${TAB}$now${TAB}$new"
  nfd_announce extend
  nfd_textfile_write
  nfd_emit "extend${TAB}done${TAB}$id${TAB}$new${TAB}$now"
}
