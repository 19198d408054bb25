# nfdebug kind sysctl: values under /proc/sys (apply: nfd_sysctl, nfd_side_effects; revert: nfd_revert_sysctl).
# The journal and the "@@change" lines name each change's type as KIND:KNOB (sysctl:log_invalid).

# nfd_sysctl TYPE PATH EXPECTED_FROM TO   (PATH under /proc/sys; EXPECTED_FROM "?" when unknown at plan time)
nfd_sysctl() {
  [ -z "$NFD_FAILED" ] || return 0
  p=/proc/sys/$2
  if [ ! -e "$p" ]; then
    nfd_fail unsupported "$2 does not exist on this host"
    return 0
  fi
  nfd_sysctl_get "$2"
  # Already as wanted (e.g. another controller got here first with the same profile): nothing to do.
  [ "$cur" = "$4" ] && return 0
  if [ "$3" != "?" ] && [ "$cur" != "$3" ]; then
    nfd_fail drift "$2 is now $cur, not $3 as read a moment ago; run the command again"
    return 0
  fi
  nfd_journal "$1" "$2" "$cur" "$4" || return 0
  # log_invalid set non-zero loads nf_log_syslog on 6.17+ when no logger is registered.
  autoload=
  case $2=$4 in net/netfilter/nf_conntrack_log_invalid=0) ;; net/netfilter/nf_conntrack_log_invalid=*) autoload=1 ;; esac
  if [ -n "$autoload" ]; then
    nfd_module_names
    NFD_MODS_BEFORE=$names
  fi
  if ! printf '%s\n' "$4" 2>/dev/null > "$p"; then
    # Written again only to capture the message (a failed write changed nothing).
    err=$(printf '%s\n' "$4" 2>&1 > "$p")
    NFD_SNAP_OK=
    nfd_fail remote "writing $4 to $2 failed: $err"
    return 0
  fi
  nfd_sysctl_written "$2" "$4"
  nfd_emit "change${TAB}$1${TAB}$2${TAB}$cur${TAB}$4"
  [ -z "$autoload" ] || nfd_modules_appeared
}

# nf_log.N bindings that changed without a step of their own (a module load binds every family
# that had no logger) are journaled too, so that revert undoes them as well.
nfd_side_effects() {
  nfd_snapshot
  nfd_snap_state "$NFD_SNAP_BEFORE"
  nflog_before=$nflog
  nfd_snap_state "$NFD_SNAP"
  [ "$nflog" = "$nflog_before" ] && return 0
  for n in 0 1 2 3 4 5 6 7 8 9 10; do
    nfd_nflog_of "$nflog_before" "$n"
    b=$v
    nfd_nflog_of "$nflog" "$n"
    if [ "$b" != "$v" ] && ! nfd_journaled sysctl:nf_log "net/netfilter/nf_log/$n"; then
      nfd_journal sysctl:nf_log "net/netfilter/nf_log/$n" "$b" "$v" || return 0
      nfd_emit "change${TAB}sysctl:nf_log${TAB}net/netfilter/nf_log/$n${TAB}$b${TAB}$v${TAB}side-effect"
    fi
  done
}

# One journal line ($type $key $from $to): restores $from when the value is still what nfdebug
# set (or --force); else reports drift. Unrestorable lines are kept ("left").
nfd_revert_sysctl() {
  p=/proc/sys/$key
  if [ ! -e "$p" ]; then
    nfd_emit "restored${TAB}$type${TAB}$key${TAB}gone"
    return 0
  fi
  nfd_sysctl_get "$key"
  if [ "$cur" = "$from" ]; then
    nfd_emit "restored${TAB}$type${TAB}$key${TAB}already"
  elif [ "$cur" = "$to" ] || [ "$force" = 1 ]; then
    if printf '%s\n' "$from" > "$p" 2>/dev/null; then
      nfd_sysctl_written "$key" "$from"
      nfd_emit "restored${TAB}$type${TAB}$key${TAB}$cur${TAB}$from"
    else
      NFD_SNAP_OK=
      nfd_revert_failed "could not write $from"
    fi
  else
    nfd_revert_drift
  fi
}
nfd_revert_finish_sysctl() { :; }
