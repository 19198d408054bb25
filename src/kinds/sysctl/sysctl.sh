# nfdebug kind sysctl: values under /proc/sys (apply: nfd_sysctl, nfd_side_effects; revert: nfd_revert_sysctl).
# The journal and the "@@change" lines name each change's type as KIND:KNOB (sysctl:log_invalid).

# Value of /proc/sys/PATH into $cur (what `cat` gives).
nfd_sysctl_get() {
  if nfd_snap_get "/proc/sys/$1"; then
    cur=$v
  else
    cur=$(cat "/proc/sys/$1")
  fi
}

# After writing VALUE to /proc/sys/PATH: the snapshot takes the new value, as a write changes only
# its own file. Unless the write may have loaded modules ("loads-modules", which binds loggers):
# then the snapshot is dropped, and the next lookup reads the files again.
nfd_sysctl_written() {
  if [ "${3:-}" != loads-modules ] && nfd_snap_get "/proc/sys/$1"; then
    s=
    ifs=$IFS
    IFS=$NL
    set -f
    for l in $NFD_SNAP; do
      case $l in "/proc/sys/$1:"*) l="/proc/sys/$1:$2" ;; esac
      s="$s$l$NL"
    done
    set +f
    IFS=$ifs
    NFD_SNAP=$s
    return 0
  fi
  NFD_SNAP_OK=
}

# From snapshot TEXT: the nf_log bindings as " 0=NONE 1=nf_log_ipv4 … " into $nflog.
nfd_snap_nflog() {
  nflog=' '
  ifs=$IFS
  IFS=$NL
  set -f
  for l in $1; do
    case $l in /proc/sys/net/netfilter/nf_log/*)
      l=${l#/proc/sys/net/netfilter/nf_log/}
      nflog="$nflog${l%%:*}=${l#*:} "
      ;;
    esac
  done
  set +f
  IFS=$ifs
}

# nf_log.N in $nflog (from nfd_snap_nflog) into $v: "-" when it had none, as cat would fail.
nfd_nflog_of() {
  case $1 in
  *" $2="*)
    v=${1#*" $2="}
    v=${v%% *}
    ;;
  *) v=- ;;
  esac
}

# nfd_sysctl TYPE PATH EXPECTED_FROM TO [loads-modules]   (PATH under /proc/sys; EXPECTED_FROM "?"
# when unknown at plan time; "loads-modules" when the plan knows the write may make the kernel
# load modules: those are journaled as the write's side effects)
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
  if [ "${5:-}" = loads-modules ]; then
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
  nfd_sysctl_written "$2" "$4" "${5:-}"
  nfd_emit "change${TAB}$1${TAB}$2${TAB}$cur${TAB}$4"
  [ "${5:-}" != loads-modules ] || nfd_modules_appeared
}

# nf_log.N bindings that changed without a step of their own (a module load binds every family
# that had no logger) are journaled too, so that revert undoes them as well.
nfd_side_effects() {
  nfd_snapshot
  nfd_snap_nflog "$NFD_SNAP_BEFORE"
  nflog_before=$nflog
  nfd_snap_nflog "$NFD_SNAP"
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
      # A restored value may have effects no plan foresaw (log_invalid back to non-zero): the
      # snapshot is dropped, and the next lookup reads the files again.
      nfd_sysctl_written "$key" "$from" loads-modules
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
