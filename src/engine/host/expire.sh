# nfdebug dead-man's switch: reverts the window when it expires, even with no controller around.
# Usage: sh expire.sh watch ID SECONDS   (detached watchdog: sleeps until the expiry; extend ends it
#                                         and starts a new one, as it replaces a systemd timer)
#        sh expire.sh once ID            (run by a systemd timer at expiry)
# The watchdog wakes at least once a minute to check the expiry against the clock: a sleep does not
# count time the host spent suspended.
mode=$1
id=$2
if [ "$mode" = watch ]; then
  left=${3:-0}
  while :; do
    case $left in '' | *[!0-9]*) left=0 ;; esac
    if [ "$left" -gt 0 ]; then
      [ "$left" -gt 60 ] && left=60
      sleep "$left"
    fi
    nfd_window_read || exit 0
    [ "$W_id" = "$id" ] || exit 0
    case $W_expires in '' | *[!0-9]*) exit 0 ;; esac
    nfd_clock
    left=$((W_expires - NFD_NOW))
    [ "$left" -gt 0 ] || break
  done
fi
exec sh "$J/revert.sh" expired 0 "$id"
