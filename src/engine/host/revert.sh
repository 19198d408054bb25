# nfdebug revert: restores what the journal recorded, newest change first.
# Installed with each window (under $J/s/VERSION/, the version that wrote its journal); the
# controller and the dead-man's switch run this same file.
# Usage: sh revert.sh HOW [force] [WINDOW]
#   HOW: reverted | expired | cancelled | rollback (apply's own failure) | abandoned (a window left
#   "opening" by a run that died)
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
# Unloads module $key if nothing uses it; else says why and returns 1.
nfd_unload() {
  nfd_module_refs "$key"
  if [ -z "$refs" ]; then
    nfd_emit "restored${TAB}module${TAB}$key${TAB}already"
    return 0
  fi
  # rmmod, not modprobe -r: only this module, never a dependency somebody else loaded.
  if [ "$refs" = 0 ] || [ "$force" = 1 ]; then
    if rmmod "$key" 2>/dev/null; then
      NFD_SNAP_OK=
      nfd_emit "restored${TAB}module${TAB}$key${TAB}unloaded"
      return 0
    fi
    NFD_SNAP_OK=
  fi
  return 1
}
deferred=
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
      drifted=1
    fi
    ;;
  module)
    # A module still used may be used by one journaled later and unloaded below: tried again
    # after the others.
    nfd_unload || deferred="$deferred$key$NL"
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
      drifted=1
    fi
    ;;
  esac
done <<NFD_REV
$rev
NFD_REV
# Modules in use: again while a round unloads something (dependencies after their users).
while [ -n "$deferred" ]; do
  again=
  progress=
  for key in $deferred; do
    if nfd_unload; then progress=1; else again="$again$key$NL"; fi
  done
  deferred=$again
  [ -n "$progress" ] || break
done
# Still in use: left loaded, and kept in the journal so that `revert --force` can try again.
for key in $deferred; do
  nfd_module_refs "$key"
  nfd_emit "inuse${TAB}module${TAB}$key${TAB}$refs"
  left="${left}module$TAB$key${TAB}absent${TAB}loaded$NL"
  inuse=1
done
now=$NFD_NOW
if [ "$keep" -gt 0 ]; then
  # A rollback inside an already open window: it keeps its own earlier changes.
  printf '%s' "$kept$left" 2>/dev/null > "$J/changes.keep" && mv -f "$J/changes.keep" "$J/changes"
  if [ -n "$left" ]; then
    nfd_emit "revert${TAB}left${TAB}$id"
    exit 4
  fi
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
  nfd_emit "revert${TAB}$outcome${TAB}$id"
  exit 4
fi
if [ "$how" = rollback ]; then
  rm -rf "$P/windows/$id"
else
  nfd_history "closed${TAB}$id${TAB}$now${TAB}$how"
fi
# Disarm the dead-man's switch (at expiry it is the process running this very script).
[ "$how" = expired ] || nfd_disarm
rm -f "$J/changes" "$J/window" "$J/logpos"
nfd_emit "revert${TAB}done${TAB}$id"
exit 0
