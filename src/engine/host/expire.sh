# nfdebug dead-man's switch: reverts the window when it expires, even with no controller around.
# Usage: sh expire.sh watch ID SECONDS   (detached watchdog; answers "armed PID" on fd 3 at once)
#        sh expire.sh once ID UNIT       (run by the systemd timer UNIT at expiry)
# Time is counted on the boot clock (/proc/uptime, which counts suspend and is not moved by a clock
# step), like the systemd timer's monotonic --on-active: stepping the wall clock neither ends a
# window early nor keeps it open. A switch replaced by `extend` (the header names another timer
# or watchdog) exits without reverting. Expiry never gives up: it waits for the host lock as long
# as another run holds it.
mode=$1
id=$2
# Seconds since boot into $up (the read builtin is exact on /proc/uptime: "12345.67 2345.6").
nfd_uptime() {
  up=
  { IFS=' .' read -r up rest < /proc/uptime; } 2>/dev/null
  case $up in '' | *[!0-9]*) nfd_clock && up=$NFD_NOW ;; esac
}
# Is this still the window's switch?
nfd_current() {
  nfd_window_read || return 1
  [ "$W_id" = "$id" ] || return 1
  if [ "$mode" = watch ]; then
    [ "$W_watchdog_pid" = "$$" ]
  else
    [ "$W_timer_unit" = "${3:-}" ]
  fi
}
if [ "$mode" = watch ]; then
  printf 'armed %s\n' "$$" >&3 2>/dev/null
  exec 3>&-
  nfd_uptime
  deadline=$((up + ${3:-0}))
  while :; do
    nfd_uptime
    left=$((deadline - up))
    [ "$left" -gt 0 ] || break
    # Wakes at least once a minute, to notice a window that ended or was extended.
    [ "$left" -gt 60 ] && left=60
    sleep "$left"
    nfd_current || exit 0
  done
fi
NFD_LOCK_WHAT="expiry of window $id"
while :; do
  nfd_current "$@" || exit 0
  nfd_lock 60 >/dev/null && break
  # Not a timeout of the wait (no flock, no /run): try again later rather than spin.
  sleep 5
done
NFD_LOCK_HELD=1 exec sh "${0%/*}/revert.sh" expired 0 "$id"
