# nfdebug conntrack counters (after src/shell/frame.sh): see src/logs/counters.ts for what is read.
# nfd_counters: prints "counter NAME LINE" frames (kernel, at, stat, count, max, conntrack_C,
# conntrack_S, unconfirmed, dying), then end. Cheap: the statistics file is read with the builtin,
# count and max with one grep. conntrack(8) is run only where the statistics file is missing (-S
# and -C print the same numbers) and, for the unconfirmed and dying lists, only before 5.19 (later
# kernels keep none): both need nf_conntrack loaded already, since conntrack(8) would load modules
# (nf_conntrack_netlink) that revert then has to unload. Inside a host script the kernel release,
# clock, and count and max are passed in (NFD_KERNEL, NFD_CLOCK_NOW, NFD_CT_SYSCTLS: grep's
# "path:value" lines from its snapshot).
nfd_counters() {
  LC_ALL=C
  export LC_ALL
  nfd_k=${NFD_KERNEL:-$(uname -r)}
  nfd_emit "counter${TAB}kernel${TAB}$nfd_k"
  nfd_at=${NFD_CLOCK_NOW:-$(date +%s)}
  nfd_emit "counter${TAB}at${TAB}${nfd_at%%.*}"
  [ -r /proc/net/stat/nf_conntrack ] && nfd_frame counter stat < /proc/net/stat/nf_conntrack
  # One grep ("path:value"): the read builtin of dash takes one byte per read(2), and a sysctl file
  # read at a non-zero offset is at its end, so "read < nf_conntrack_max" sees only "2" of 262144.
  nfd_d=/proc/sys/net/netfilter
  for nfd_l in ${NFD_CT_SYSCTLS:-$(grep -s '' $nfd_d/nf_conntrack_count $nfd_d/nf_conntrack_max)}; do
    case $nfd_l in
    $nfd_d/nf_conntrack_count:*) nfd_emit "counter${TAB}count${TAB}${nfd_l#*:}" ;;
    $nfd_d/nf_conntrack_max:*) nfd_emit "counter${TAB}max${TAB}${nfd_l#*:}" ;;
    esac
  done
  if [ -r $nfd_d/nf_conntrack_count ] && command -v conntrack >/dev/null 2>&1; then
    if [ ! -r /proc/net/stat/nf_conntrack ]; then
      conntrack -C 2>/dev/null | nfd_frame counter conntrack_C
      conntrack -S 2>/dev/null | nfd_frame counter conntrack_S
    fi
    nfd_maj=${nfd_k%%.*}
    nfd_min=${nfd_k#*.}
    nfd_min=${nfd_min%%[!0-9]*}
    case $nfd_maj.$nfd_min in *[!0-9.]* | .* | *.) nfd_maj=0 nfd_min=0 ;; esac
    if [ "$nfd_maj" -lt 5 ] || { [ "$nfd_maj" -eq 5 ] && [ "$nfd_min" -lt 19 ]; }; then
      nfd_emit "counter${TAB}unconfirmed${TAB}$(conntrack -L unconfirmed 2>/dev/null | wc -l | tr -d ' ')"
      nfd_emit "counter${TAB}dying${TAB}$(conntrack -L dying 2>/dev/null | wc -l | tr -d ' ')"
    fi
  fi
  nfd_emit "end"
}
