# nfdebug extend: move the open window's expiry. Usage: (body) nfd_extend ID SECONDS
nfd_extend() {
  nfd_lock || exit 3
  trap 'nfd_unlock' EXIT
  if [ ! -f "$J/window" ]; then
    nfd_emit "extend${TAB}none"
    return 0
  fi
  id=$(nfd_window_get id)
  if [ "$id" != "$1" ]; then
    nfd_emit "extend${TAB}other${TAB}$id"
    return 0
  fi
  now=$(date +%s)
  new=$((now + $2))
  sed -i "s/^expires=.*/expires=$new/" "$J/window"
  unit=$(nfd_window_get timer_unit)
  if [ -n "$unit" ]; then
    # A transient timer cannot be moved: replace it with a new one under a new name.
    systemctl stop "$unit.timer" >/dev/null 2>&1
    next="nfdebug-$id-$now"
    if systemd-run --quiet --unit="$next" --on-active="$2s" --timer-property=AccuracySec=1s \
      /bin/sh "$J/expire.sh" once "$id" >/dev/null 2>&1; then
      sed -i "s/^timer_unit=.*/timer_unit=$next/" "$J/window"
    else
      nfd_emit "fail${TAB}remote${TAB}could not re-arm the systemd timer"
      return 0
    fi
  fi
  nfd_history "extended${TAB}$id${TAB}$now${TAB}$new"
  nfd_emit "extend${TAB}done${TAB}$id${TAB}$new${TAB}$now"
}
