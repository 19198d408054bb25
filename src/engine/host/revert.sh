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
if [ ! -f "$J/window" ]; then
  nfd_emit "revert${TAB}none"
  exit 0
fi
id=$(nfd_window_get id)
if [ -n "$want" ] && [ "$want" != "$id" ]; then
  nfd_emit "revert${TAB}other${TAB}$id"
  exit 0
fi
nfd_find_ddctl
# Where the window's log ends, for collect after the window closed. Taken before the restore:
# reading the counters (conntrack -S) loads nf_conntrack_netlink, which the loop below must
# still be able to unload (apply journaled it as a side effect).
[ "$how" != rollback ] && [ -f "$P/windows/$id/mark-end.sh" ] && sh "$P/windows/$id/mark-end.sh" >/dev/null 2>&1
: > "$J/changes.left"
failed=0
# Newest first: side effects were journaled after their causes. A rollback inside an already open
# window only undoes the lines after NFD_ROLLBACK_FROM.
keep=${NFD_ROLLBACK_FROM:-0}
tail -n "+$((keep + 1))" "$J/changes" 2>/dev/null | sed -n '1!G;h;$p' > "$J/changes.rev"
while IFS="$TAB" read -r kind key from to; do
  [ -n "$kind" ] || continue
  case $kind in
  sysctl)
    p=/proc/sys/$key
    if [ ! -e "$p" ]; then
      nfd_emit "restored${TAB}$kind${TAB}$key${TAB}gone"
      continue
    fi
    cur=$(cat "$p")
    if [ "$cur" = "$from" ]; then
      nfd_emit "restored${TAB}$kind${TAB}$key${TAB}already"
    elif [ "$cur" = "$to" ] || [ "$force" = 1 ]; then
      if printf '%s\n' "$from" > "$p" 2>/dev/null; then
        nfd_emit "restored${TAB}$kind${TAB}$key${TAB}$cur${TAB}$from"
      else
        nfd_emit "failed${TAB}$kind${TAB}$key${TAB}could not write $from"
        printf '%s\n' "$kind$TAB$key$TAB$from$TAB$to" >> "$J/changes.left"
        failed=1
      fi
    else
      nfd_emit "drift${TAB}$kind${TAB}$key${TAB}$cur${TAB}$to"
      printf '%s\n' "$kind$TAB$key$TAB$from$TAB$to" >> "$J/changes.left"
    fi
    ;;
  module)
    refs=$(nfd_module_refcount "$key")
    if [ -z "$refs" ]; then
      nfd_emit "restored${TAB}$kind${TAB}$key${TAB}already"
    elif [ "$refs" != 0 ] && [ "$force" != 1 ]; then
      nfd_emit "inuse${TAB}$kind${TAB}$key${TAB}$refs"
    elif modprobe -r "$key" 2>/dev/null || rmmod "$key" 2>/dev/null; then
      nfd_emit "restored${TAB}$kind${TAB}$key${TAB}unloaded"
    else
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
        printf '%s\n' "$kind$TAB$key$TAB$from$TAB$to" >> "$J/changes.left"
        failed=1
      fi
    else
      nfd_emit "drift${TAB}$kind${TAB}$key${TAB}$cur${TAB}$to"
      printf '%s\n' "$kind$TAB$key$TAB$from$TAB$to" >> "$J/changes.left"
    fi
    ;;
  esac
done < "$J/changes.rev"
rm -f "$J/changes.rev"
now=$(date +%s)
if [ "$keep" -gt 0 ]; then
  head -n "$keep" "$J/changes" > "$J/changes.keep"
  cat "$J/changes.left" >> "$J/changes.keep"
  mv -f "$J/changes.keep" "$J/changes"
  rm -f "$J/changes.left"
  nfd_emit "revert${TAB}partial${TAB}$id"
  exit 0
fi
if [ -s "$J/changes.left" ]; then
  # Keep what could not be restored, oldest first, so a later `revert --force` can finish the job.
  sed -n '1!G;h;$p' "$J/changes.left" > "$J/changes"
  rm -f "$J/changes.left"
  outcome=drift
  [ "$failed" = 1 ] && outcome=failed
  sed -i "s/^state=.*/state=$outcome/" "$J/window" 2>/dev/null
  nfd_history "closed${TAB}$id${TAB}$now${TAB}$how-$outcome"
  nfd_emit "revert${TAB}$outcome${TAB}$id"
  exit 4
fi
unit=$(nfd_window_get timer_unit)
watchdog=$(nfd_window_get watchdog_pid)
if [ "$how" = rollback ]; then
  rm -rf "$P/windows/$id"
else
  nfd_history "closed${TAB}$id${TAB}$now${TAB}$how"
fi
rm -f "$J/changes" "$J/changes.left" "$J/window" "$J/logpos"
# Disarm the dead-man's switch (at expiry it is the process running this very script).
if [ -n "$unit" ] && [ "$how" != expired ]; then
  systemctl stop "$unit.timer" >/dev/null 2>&1
fi
# The watchdog would exit by itself within 2 s once the window file is gone; end it (and its
# sleep: it leads its own process group) now. The cmdline check guards against a reused pid.
if [ -n "$watchdog" ] && [ "$how" != expired ] && grep -q expire.sh "/proc/$watchdog/cmdline" 2>/dev/null; then
  kill -TERM "-$watchdog" 2>/dev/null || kill -TERM "$watchdog" 2>/dev/null
fi
nfd_emit "revert${TAB}done${TAB}$id"
exit 0
