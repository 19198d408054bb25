# nfdebug dead-man's switch: reverts the window when it expires, even with no controller around.
# Usage: sh expire.sh watch ID   (detached watchdog loop: follows extensions by re-reading expiry)
#        sh expire.sh once ID    (run by a systemd timer at expiry)
mode=$1
id=$2
if [ "$mode" = watch ]; then
  while :; do
    [ -f "$J/window" ] || exit 0
    [ "$(nfd_window_get id)" = "$id" ] || exit 0
    exp=$(nfd_window_get expires)
    now=$(date +%s)
    [ "$now" -ge "$exp" ] && break
    left=$((exp - now))
    [ "$left" -gt 2 ] && left=2
    sleep "$left"
  done
fi
exec sh "$J/revert.sh" expired 0 "$id"
