# nfdebug revert: restores what the journal recorded, newest change first.
# Installed on the host at apply time as $J/revert.sh; the controller and the expiry timer run
# this same file. Usage: sh revert.sh HOW [force] [WINDOW]   (HOW: reverted | expired | cancelled)
how=${1:-reverted}
force=${2:-0}
want=${3:-}
# A rollback runs inside apply, which already holds the lock.
if [ -z "${NFD_LOCK_HELD:-}" ]; then
  nfd_lock || exit 3
  trap 'nfd_unlock' EXIT
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
nfd_find_ddctl
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
# What could not be restored, newest first ("left"), and the journal's reversed tail ("rev"): a
# rollback inside an already open window only undoes the lines after NFD_ROLLBACK_FROM.
keep=${NFD_ROLLBACK_FROM:-0}
kept=
left=
rev=
n=0
if [ -f "$J/changes" ]; then
  while IFS= read -r l || [ -n "$l" ]; do
    n=$((n + 1))
    if [ "$n" -le "$keep" ]; then
      kept="$kept$l$NL"
    else
      rev="$l$NL$rev"
    fi
  done < "$J/changes"
fi
while IFS="$TAB" read -r kind key from to; do
  [ -n "$kind" ] || continue
  case $kind in
  sysctl)
    p=/proc/sys/$key
    if [ ! -e "$p" ]; then
      nfd_emit "restored${TAB}$kind${TAB}$key${TAB}gone"
      continue
    fi
    nfd_sysctl_get "$key"
    if [ "$cur" = "$from" ]; then
      nfd_emit "restored${TAB}$kind${TAB}$key${TAB}already"
    elif [ "$cur" = "$to" ] || [ "$force" = 1 ]; then
      if printf '%s\n' "$from" > "$p" 2>/dev/null; then
        nfd_sysctl_written "$key" "$from"
        nfd_emit "restored${TAB}$kind${TAB}$key${TAB}$cur${TAB}$from"
      else
        NFD_SNAP_OK=
        nfd_emit "failed${TAB}$kind${TAB}$key${TAB}could not write $from"
        left="$left$kind$TAB$key$TAB$from$TAB$to$NL"
        failed=1
      fi
    else
      nfd_emit "drift${TAB}$kind${TAB}$key${TAB}$cur${TAB}$to"
      left="$left$kind$TAB$key$TAB$from$TAB$to$NL"
    fi
    ;;
  module)
    nfd_module_refs "$key"
    if [ -z "$refs" ]; then
      nfd_emit "restored${TAB}$kind${TAB}$key${TAB}already"
    elif [ "$refs" != 0 ] && [ "$force" != 1 ]; then
      nfd_emit "inuse${TAB}$kind${TAB}$key${TAB}$refs"
    elif modprobe -r "$key" 2>/dev/null || rmmod "$key" 2>/dev/null; then
      NFD_SNAP_OK=
      nfd_emit "restored${TAB}$kind${TAB}$key${TAB}unloaded"
    else
      NFD_SNAP_OK=
      nfd_emit "inuse${TAB}$kind${TAB}$key${TAB}$refs"
    fi
    ;;
  printk)
    # key: "file:line func"
    site=${key% *}
    fn=${key##* }
    cur=$(nfd_printk_flags "$site" "$fn")
    if [ -z "$cur" ]; then
      nfd_emit "restored${TAB}$kind${TAB}$key${TAB}gone"
    elif [ "$cur" = "$from" ]; then
      nfd_emit "restored${TAB}$kind${TAB}$key${TAB}already"
    elif [ "$cur" = "$to" ] || [ "$force" = 1 ]; then
      if printf 'file %s line %s func %s =%s\n' "${site%:*}" "${site##*:}" "$fn" "$from" > "$NFD_DDCTL" 2>/dev/null; then
        nfd_emit "restored${TAB}$kind${TAB}$key${TAB}$cur${TAB}$from"
      else
        nfd_emit "failed${TAB}$kind${TAB}$key${TAB}could not write flags $from"
        left="$left$kind$TAB$key$TAB$from$TAB$to$NL"
        failed=1
      fi
    else
      nfd_emit "drift${TAB}$kind${TAB}$key${TAB}$cur${TAB}$to"
      left="$left$kind$TAB$key$TAB$from$TAB$to$NL"
    fi
    ;;
  esac
done <<NFD_REV
$rev
NFD_REV
now=$NFD_NOW
if [ "$keep" -gt 0 ]; then
  printf '%s' "$kept$left" > "$J/changes.keep"
  mv -f "$J/changes.keep" "$J/changes"
  nfd_emit "revert${TAB}partial${TAB}$id"
  exit 0
fi
if [ -n "$left" ]; then
  # Keep what could not be restored, oldest first, so a later `revert --force` can finish the job.
  old=
  while IFS= read -r l; do
    [ -n "$l" ] && old="$l$NL$old"
  done <<NFD_LEFT
$left
NFD_LEFT
  printf '%s' "$old" > "$J/changes"
  outcome=drift
  [ "$failed" = 1 ] && outcome=failed
  W_state=$outcome
  nfd_window_write 2>/dev/null
  nfd_history "closed${TAB}$id${TAB}$now${TAB}$how-$outcome"
  nfd_emit "revert${TAB}$outcome${TAB}$id"
  exit 4
fi
if [ "$how" = rollback ]; then
  rm -rf "$P/windows/$id"
else
  nfd_history "closed${TAB}$id${TAB}$now${TAB}$how"
fi
# Disarm the dead-man's switch (at expiry it is the process running this very script).
if [ -n "$W_timer_unit" ] && [ "$how" != expired ]; then
  systemctl stop "$W_timer_unit.timer" >/dev/null 2>&1
fi
# End the watchdog and its sleep (it leads its own process group). The command line check guards
# against a reused pid (the read builtin drops the NUL bytes between its arguments).
if [ -n "$W_watchdog_pid" ] && [ "$how" != expired ]; then
  cmd=
  { IFS= read -r cmd < "/proc/$W_watchdog_pid/cmdline"; } 2>/dev/null
  case $cmd in
  *expire.sh*) kill -TERM "-$W_watchdog_pid" 2>/dev/null || kill -TERM "$W_watchdog_pid" 2>/dev/null ;;
  esac
fi
# One rm for the journal and, when this run took it, the lock.
if [ -z "${NFD_LOCK_HELD:-}" ]; then
  trap - EXIT
  rm -rf "$J/changes" "$J/changes.left" "$J/changes.rev" "$J/window" "$J/logpos" "$J/lock"
else
  rm -f "$J/changes" "$J/changes.left" "$J/changes.rev" "$J/window" "$J/logpos"
fi
nfd_emit "revert${TAB}done${TAB}$id"
exit 0
