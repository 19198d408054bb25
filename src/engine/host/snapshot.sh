# nfdebug snapshot (apply and revert.sh): one process reads the boot id, the kernel release, every
# netfilter sysctl and /proc/modules ("path:line" per line: grep reads each file from offset 0).
# The lookups below answer from it until NFD_SNAP is emptied (after anything that may change those
# files). They walk its lines with IFS splitting: dash's ${var#*pattern} is quadratic in the length.
nfd_snapshot() {
  NFD_SNAP=$(grep -s '' /proc/sys/kernel/random/boot_id /proc/sys/kernel/osrelease \
    /proc/sys/net/netfilter/* /proc/sys/net/netfilter/nf_log/* /proc/modules 2>/dev/null)
  NFD_SNAP_OK=1
}

# The value of FILE (a full path) in snapshot TEXT (default: NFD_SNAP) into $v; fails when it has
# no line, or several lines, for FILE.
nfd_snap_get() {
  [ -n "${NFD_SNAP_OK:-}" ] || return 1
  found=
  ifs=$IFS
  IFS=$NL
  set -f
  for l in ${2-$NFD_SNAP}; do
    case $l in "$1:"*)
      [ -n "$found" ] && found=2 && break
      found=1
      v=${l#"$1:"}
      ;;
    esac
  done
  set +f
  IFS=$ifs
  [ "$found" = 1 ]
}

# nf_conntrack_count and _max from the snapshot, as grep printed them, into NFD_CT_SYSCTLS (for the
# counters (nfd_counters), which then need no process for them).
nfd_ct_sysctls() {
  NFD_CT_SYSCTLS=
  for f in /proc/sys/net/netfilter/nf_conntrack_count /proc/sys/net/netfilter/nf_conntrack_max; do
    nfd_snap_get "$f" && NFD_CT_SYSCTLS="$NFD_CT_SYSCTLS $f:$v"
  done
}

# Value of /proc/sys/PATH into $cur (what `cat` gives).
nfd_sysctl_get() {
  if nfd_snap_get "/proc/sys/$1"; then
    cur=$v
  else
    cur=$(cat "/proc/sys/$1")
  fi
}

# After writing VALUE to /proc/sys/PATH. An nf_log binding changes only itself, and so does
# log_invalid set to 0: the snapshot takes the new value. Any other write may have side effects
# (log_invalid set non-zero loads nf_log_syslog on 6.17+, which binds loggers): it is dropped.
nfd_sysctl_written() {
  case $1=$2 in
  net/netfilter/nf_log/*=* | net/netfilter/nf_conntrack_log_invalid=0)
    if nfd_snap_get "/proc/sys/$1"; then
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
    ;;
  esac
  NFD_SNAP_OK=
}

# Is module NAME loaded (listed in /proc/modules)? Its use count into $refs when it is, else "".
nfd_module_refs() {
  refs=
  if [ -z "${NFD_SNAP_OK:-}" ]; then
    refs=$(awk -v m="$1" '$1 == m { print $3; exit }' /proc/modules 2>/dev/null)
    return 0
  fi
  ifs=$IFS
  IFS=$NL
  set -f
  for l in $NFD_SNAP; do
    case $l in "/proc/modules:$1 "*)
      # name size refs deps state address
      l=${l#* }
      l=${l#* }
      refs=${l%% *}
      break
      ;;
    esac
  done
  set +f
  IFS=$ifs
}

# From snapshot TEXT: the loaded modules as " a b c " into $names, and the nf_log bindings as
# " 0=NONE 1=nf_log_ipv4 … " into $nflog.
nfd_snap_state() {
  names=' '
  nflog=' '
  ifs=$IFS
  IFS=$NL
  set -f
  for l in $1; do
    case $l in
    /proc/modules:*)
      l=${l#/proc/modules:}
      names="$names${l%% *} "
      ;;
    /proc/sys/net/netfilter/nf_log/*)
      l=${l#/proc/sys/net/netfilter/nf_log/}
      nflog="$nflog${l%%:*}=${l#*:} "
      ;;
    esac
  done
  set +f
  IFS=$ifs
}

# nf_log.N in $nflog (from nfd_snap_state) into $v: "-" when it had none, as cat would fail.
nfd_nflog_of() {
  case $1 in
  *" $2="*)
    v=${1#*" $2="}
    v=${v%% *}
    ;;
  *) v=- ;;
  esac
}
