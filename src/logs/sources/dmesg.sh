# nfdebug dmesg reader (after source.sh): `dmesg -r` prints "<prio>[ seconds.micros] message".
# nfd_dmesg_read RECORDS SEC MICRO SAME BOOT UNTIL [MATCH...]
#   RECORDS  1: print the records after the position, 0: only the position (a window's start)
#   SEC MICRO SAME  the position: the kernel timestamp of the last record read (SEC -1: none) and
#            how many records with exactly that timestamp were read
#   BOOT     the boot the position belongs to ('' : unknown); another boot reads from the start
#   UNTIL    "SEC MICRO SAME" of the window's end, or ''
# Prints the clock, then warn frames (boot_changed, wrapped, dmesg_failed), the records (R) and the
# position after them (pos SEC MICRO SAME). Timestamps are split in seconds and micros: awk never
# prints large numbers.
nfd_dmesg_read() {
  nfd_records=$1 nfd_sec=$2 nfd_micro=$3 nfd_same=$4 nfd_until=$6
  nfd_log_clock "$5" || { nfd_sec=-1 nfd_micro=0 nfd_same=0; }
  shift 6
  nfd_log_match "$@"
  { dmesg -r 2>/dev/null; printf '@@exit\t%s\n' "$?"; } |
    awk -v fsec="$nfd_sec" -v fmicro="$nfd_micro" -v fsame="$nfd_same" -v until="$nfd_until" -v records="$nfd_records" "$nfd_match_awk"'
BEGIN {
  from = fsec * 1000000 + fmicro
  split(until, u, " "); ulimit = (until == "") ? -1 : u[1] * 1000000 + u[2]
  first = 1; lsec = fsec; lmicro = fmicro; lsame = fsame; seen = 0
}
/^@@exit\t/ { if (substr($0, 8) != "0") print "@@warn\tdmesg_failed\t" substr($0, 8); next }
substr($0, 1, 1) != "<" { next }
{
  gt = index($0, ">"); rest = substr($0, gt + 1)
  if (substr(rest, 1, 1) != "[") next
  rb = index(rest, "]"); ts = substr(rest, 2, rb - 2); gsub(/ /, "", ts)
  split(ts, t, "."); sec = t[1]; micro = t[2]; now = sec * 1000000 + micro
  if (first) { first = 0; if (fsec >= 0 && now > from) print "@@warn\twrapped\t" ts }
  if (now < from) next
  if (now == from) { seen++; if (seen <= fsame) next }
  if (ulimit >= 0 && (now > ulimit || (now == ulimit && useen >= u[3]))) next
  if (ulimit >= 0 && now == ulimit) useen++
  if (now == lsec * 1000000 + lmicro) lsame++; else { lsec = sec; lmicro = micro; lsame = 1 }
  if (records && wanted()) print "@@R\t" $0
}
END { printf "@@pos\t%s\t%s\t%s\n", lsec, lmicro, lsame }'
}
