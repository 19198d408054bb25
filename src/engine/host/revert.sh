# nfdebug revert: restores what the journal recorded, newest change first.
# Installed with each window (under $J/s/VERSION/, the version that wrote its journal); the
# controller and the dead-man's switch run this same file. The kinds' shell files come before it
# (NFD_KINDS names them), each defining nfd_revert_KIND and nfd_revert_finish_KIND.
# Usage: sh revert.sh HOW [force] [WINDOW]
#   HOW: reverted | expired | cancelled | rollback (apply's own failure) | abandoned (a window left
#   "opening" by a run that died) | tripped (the window's log budget was exceeded: expire.sh's
#   sampler, budget.sh, wrote how in $J/budget)
how=${1:-reverted}
force=${2:-0}
want=${3:-}
# A rollback runs inside apply, and expiry inside expire.sh, which hold the lock already.
if [ -z "${NFD_LOCK_HELD:-}" ]; then
  NFD_LOCK_WHAT="revert ($how)"
  nfd_lock || exit 3
fi
if ! nfd_window_read; then
  nfd_emit "revert${TAB}none"
  exit 0
fi
id=$W_id
if [ -n "$want" ] && [ "$want" != "$id" ]; then
  nfd_emit "revert${TAB}other${TAB}$id"
  exit 0
fi
nfd_snapshot
nfd_clock
# Where the window's log ends, for collect after the window closed. Taken before the restore:
# reading the counters with conntrack(8) (only where /proc/net/stat/nf_conntrack is missing) loads
# nf_conntrack_netlink, which the loop below must still be able to unload (apply journaled it as a
# side effect). The clock, boot id, kernel release, count and max are passed on: no process for them.
if [ "$how" != rollback ] && [ -f "$P/windows/$id/mark-end.sh" ]; then
  nfd_snap_get /proc/sys/kernel/random/boot_id && NFD_CLOCK_BOOT=$v
  nfd_snap_get /proc/sys/kernel/osrelease && NFD_KERNEL=$v
  nfd_ct_sysctls
  NFD_CLOCK_NOW=$NFD_CLOCK_NOW NFD_CLOCK_BOOT=${NFD_CLOCK_BOOT:-} NFD_KERNEL=${NFD_KERNEL:-} \
    NFD_CT_SYSCTLS=$NFD_CT_SYSCTLS sh "$P/windows/$id/mark-end.sh" >/dev/null 2>&1
  [ -r /proc/net/stat/nf_conntrack ] || NFD_SNAP_OK=
fi
failed=0
inuse=0
drifted=0
# What could not be restored, newest first ("left"), and the journal's reversed tail ("rev"): a
# rollback inside an already open window only undoes the lines after NFD_ROLLBACK_FROM. A last
# line without its newline is a write that failed half-way, so its change was never made: the
# read loop skips it.
keep=${NFD_ROLLBACK_FROM:-0}
kept=
left=
rev=
n=0
if [ -f "$J/changes" ]; then
  while IFS= read -r l; do
    n=$((n + 1))
    if [ "$n" -le "$keep" ]; then
      kept="$kept$l$NL"
    else
      rev="$l$NL$rev"
    fi
  done < "$J/changes"
fi
# For the kinds' nfd_revert_KIND functions (src/kinds/*/*.sh), called with the journal line in
# $type $key $from $to: a line that could not be restored stays in the journal ("left").
nfd_revert_failed() {
  nfd_emit "failed${TAB}$type${TAB}$key${TAB}$1"
  left="$left$type$TAB$key$TAB$from$TAB$to$NL"
  failed=1
}
nfd_revert_drift() {
  nfd_emit "drift${TAB}$type${TAB}$key${TAB}$cur${TAB}$to"
  left="$left$type$TAB$key$TAB$from$TAB$to$NL"
  drifted=1
}
# Each line goes to its kind (TYPE is KIND:KNOB; a journal from before knobs names the kind alone).
while IFS="$TAB" read -r type key from to; do
  [ -n "$type" ] || continue
  kind=${type%%:*}
  case " $NFD_KINDS " in
  *" $kind "*) "nfd_revert_$kind" ;;
  *) nfd_revert_failed "no kind $kind in this version of nfdebug" ;;
  esac
done <<NFD_REV
$rev
NFD_REV
for kind in $NFD_KINDS; do "nfd_revert_finish_$kind"; done
now=$NFD_NOW
if [ "$keep" -gt 0 ]; then
  # A rollback inside an already open window: it keeps its own earlier changes.
  printf '%s' "$kept$left" 2>/dev/null > "$J/changes.keep" && mv -f "$J/changes.keep" "$J/changes"
  if [ -n "$left" ]; then
    nfd_announce "$how-left" "$rev"
    nfd_emit "revert${TAB}left${TAB}$id"
    exit 4
  fi
  nfd_announce "$how" "$rev"
  nfd_emit "revert${TAB}partial${TAB}$id"
  exit 0
fi
if [ -n "$left" ]; then
  # Keep what could not be restored, oldest first, so that `revert --force` can finish the job.
  # The window stays; a rollback's switch stays armed and tries again at expiry.
  old=
  while IFS= read -r l; do
    [ -n "$l" ] && old="$l$NL$old"
  done <<NFD_LEFT
$left
NFD_LEFT
  printf '%s' "$old" 2>/dev/null > "$J/changes.keep" && mv -f "$J/changes.keep" "$J/changes"
  outcome=left
  [ "$drifted" = 1 ] && outcome=drift
  [ "$failed" = 1 ] && outcome=failed
  W_state=$outcome
  nfd_window_write
  nfd_history "closed${TAB}$id${TAB}$now${TAB}$how-$outcome"
  nfd_announce "$how-$outcome" "$rev"
  nfd_emit "revert${TAB}$outcome${TAB}$id"
  exit 4
fi
# A trip is recorded with its measure: "AT KIND MEASURED LIMIT" (budget.sh's B_trip), tab-separated.
trip=
if [ "$how" = tripped ] && [ -f "$J/budget" ]; then
  while IFS='=' read -r k v; do
    [ "$k" = tripped ] && trip=$v
  done < "$J/budget"
  set -- $trip
  [ $# -eq 4 ] && trip="$TAB$1$TAB$2$TAB$3$TAB$4"
fi
if [ "$how" = rollback ]; then
  rm -rf "$P/windows/$id"
else
  nfd_history "closed${TAB}$id${TAB}$now${TAB}$how$trip"
fi
# Disarm the dead-man's switch. At expiry, and on a trip in watchdog mode, the switch is the
# process running this very script; a tripped budget service stops only the timer beside it.
case $how in
expired) ;;
tripped) [ -z "$W_timer_unit" ] || systemctl stop "$W_timer_unit.timer" >/dev/null 2>&1 ;;
*) nfd_disarm ;;
esac
rm -f "$J/changes" "$J/window" "$J/logpos" "$J/budget"
nfd_announce "$how" "$rev"
# A tripped window's file stays, saying so, until the next window replaces it: monitoring that
# scrapes less often than windows trip still sees it. Any other end removes it.
if [ "$how" = tripped ]; then nfd_textfile_write 0 1; else nfd_textfile_remove; fi
nfd_emit "revert${TAB}done${TAB}$id"
exit 0
