# nfdebug dead-man's switch: reverts the window when it expires, even with no controller around,
# and earlier when the window's log budget is exceeded (budget.sh's sampler runs in this process).
# Usage: sh expire.sh watch ID SECONDS   (detached watchdog; answers "armed PID" on fd 3 at once)
#        sh expire.sh once ID UNIT       (run by the systemd timer UNIT at expiry)
#        sh expire.sh budget ID UNIT     (the transient service beside timer UNIT: the sampler alone)
# Time is counted on the boot clock (/proc/uptime, which counts suspend and is not moved by a clock
# step), like the systemd timer's monotonic --on-active: stepping the wall clock neither ends a
# window early nor keeps it open. A switch replaced by `extend` (the header names another timer
# or watchdog) exits without reverting. Expiry never gives up: it waits for the host lock as long
# as another run holds it.
mode=$1
id=$2
how=expired
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
# Sleeps SECONDS in a child the wait builtin waits for: a TERM (revert's nfd_disarm) ends the wait
# at once. A foreground sleep could outlive the TERM: the group's TERM reaching the child between
# fork and exec is taken by the shell's handler the child inherited and lost, and the shell runs
# its trap only once the whole sleep has ended (up to a sampling interval later).
nfd_nap() {
  sleep "$1" &
  nap=$!
  wait "$nap"
  nap=
}
nap=
if [ "$mode" != once ]; then
  # The budget's kernel log reader ends with this process (a TERM from nfd_disarm runs the trap),
  # and so does a nap's sleep.
  trap 'nfd_budget_end; [ -z "$nap" ] || kill "$nap" 2>/dev/null' EXIT
  trap 'exit 143' TERM HUP INT
  # The sampler counts from before the answer: the apply changes nothing before it (nfd_arm), so
  # no line of the window is missed. The header does not name this switch yet, only the window.
  nfd_window_read && [ "$W_id" = "$id" ] && nfd_budget_start
  # The budget's service has nothing to do without a reader (why is in $J/budget).
  [ "$mode" = budget ] && [ -z "$B_reader" ] && exit 0
  [ "$mode" = watch ] && printf 'armed %s\n' "$$" >&3 2>/dev/null
  exec 3>&-
  nfd_uptime
  # Only the watchdog has a deadline (its $3 is SECONDS); the budget service's $3 is the timer's
  # unit, and the timer ends the window.
  deadline=0
  [ "$mode" = watch ] && deadline=$((up + ${3:-0}))
  while :; do
    nfd_uptime
    left=$((deadline - up))
    if [ "$mode" = watch ]; then
      [ "$left" -gt 0 ] || break
      # Wakes at least once a minute, to notice a window that ended or was extended.
      [ "$left" -gt 60 ] && left=60
    else
      left=$B_every
    fi
    [ -n "$B_reader" ] && [ "$left" -gt "$B_every" ] && left=$B_every
    nfd_nap "$left"
    nfd_current "$@" || exit 0
    if nfd_budget_sample; then
      how=tripped
      break
    fi
    [ -n "$B_reader" ] && nfd_budget_publish
  done
  nfd_budget_stop
fi
NFD_LOCK_WHAT="expiry of window $id"
[ "$how" = tripped ] && NFD_LOCK_WHAT="log budget of window $id"
while :; do
  nfd_current "$@" || exit 0
  nfd_lock 60 >/dev/null && break
  # Not a timeout of the wait (no flock, no /run): try again later rather than spin.
  nfd_nap 5
done
NFD_LOCK_HELD=1 exec sh "${0%/*}/revert.sh" "$how" 0 "$id"
