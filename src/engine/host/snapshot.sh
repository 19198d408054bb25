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
