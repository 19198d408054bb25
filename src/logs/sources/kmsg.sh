# nfdebug /dev/kmsg reader (after source.sh): one record per read(), "prio,seq,usec,flags;message",
# then dictionary lines that start with a space.
# nfd_kmsg_read RECORDS SEQ BOOT SMARK EMARK UNTIL [MATCH...]
#   RECORDS  1: print the records after the position, 0: only the position (a window's start)
#   SEQ      sequence number of the last record read (-1: none); BOOT: its boot ('' : unknown)
#   SMARK EMARK  the window's start and end marker records, or ''
#   UNTIL    sequence number of the window's end, or ''
# Prints the clock, the oldest sequence number (first), warn frames, the records (R) and the
# position (pos SEQ). Reading /dev/kmsg blocks at its end, so it is read non-blocking with GNU dd
# (one record per read; 16 KiB covers the largest record), or for at most a second with `timeout`
# otherwise. NFD_KMSG_READ=dd (set by a window's marks when detection found dd working) skips the probe.
nfd_kmsg_read() {
  nfd_records=$1 nfd_from=$2 NFD_SMARK=$4 NFD_EMARK=$5 nfd_until=$6
  nfd_log_clock "$3" || { nfd_from=-1 NFD_SMARK=; }
  shift 6
  nfd_log_match "$@"
  if [ ! -r /dev/kmsg ]; then
    nfd_emit "warn${TAB}unavailable${TAB}/dev/kmsg is not readable"
    nfd_emit "pos${TAB}$nfd_from"
    return 0
  fi
  export NFD_SMARK NFD_EMARK
  # Before the start marker is seen, records are kept: when it is gone (the buffer wrapped), the
  # read starts at the oldest record instead. Markers of any window (of hosts sharing the buffer
  # too) are never records.
  nfd_kmsg_records | awk -v from="$nfd_from" -v until="$nfd_until" -v records="$nfd_records" "$nfd_match_awk"'
function keep(msg) { return msg !~ /^nfdebug: window [0-9]+T[0-9]+-[0-9a-f]+ (start|end) [0-9.]+$/ && wanted() }
BEGIN { first = ""; last = ""; smark = ENVIRON["NFD_SMARK"]; emark = ENVIRON["NFD_EMARK"]; started = smark == ""; ended = 0; n = 0 }
/^ / { next }
{
  semi = index($0, ";")
  if (semi == 0) next
  split(substr($0, 1, semi - 1), h, ",")
  seq = h[2]
  if (first == "") { first = seq; printf "@@first\t%s\n", seq }
  if (ended) next
  msg = substr($0, semi + 1)
  if (emark != "" && msg == emark) { ended = 1; endseq = seq; next }
  if (!started) {
    if (msg == smark) { started = 1; n = 0; last = seq; next }
    if (until != "" && seq + 0 > until + 0) next
    n++; kept_seq[n] = seq; kept[n] = ""
    if (records && keep(msg)) kept[n] = $0
    next
  }
  if (seq + 0 <= from + 0) next
  if (until != "" && seq + 0 > until + 0) next
  last = seq
  if (records && keep(msg)) print "@@R\t" $0
}
END {
  if (!started) {
    print "@@warn\tstart_marker_missing"
    for (k = 1; k <= n; k++) { if (kept[k] != "") print "@@R\t" kept[k]; last = kept_seq[k] }
  }
  if (ended && endseq + 0 > from + 0) last = endseq
  if (emark != "" && !ended) print "@@warn\tend_marker_missing"
  if (last == "") last = from
  printf "@@pos\t%s\n", last
}'
}

nfd_kmsg_records() {
  if [ "${NFD_KMSG_READ:-}" = dd ] || dd if=/dev/kmsg iflag=nonblock bs=16384 count=0 2>/dev/null; then
    dd if=/dev/kmsg iflag=nonblock bs=16384 2>/dev/null
  else
    timeout 1 cat /dev/kmsg 2>/dev/null
  fi
  return 0
}

# nfd_kmsg_mark: marks a window's start or end by writing a marker record, "nfdebug: window ID
# start|end NONCE" (NFD_MARK_WINDOW: the window id, NFD_MARK_AT: start or end; the nonce, the
# shell's pid and NFD_CLOCK_NOW, tells apart hosts sharing one ring buffer), one builtin printf
# instead of reading the whole buffer for its newest sequence number; prints it as the marker.
# Where /dev/kmsg cannot be written (kernel.printk_devkmsg=off, no permission) it prints the newest
# sequence number as the position instead.
nfd_kmsg_mark() {
  nfd_mark="nfdebug: window ${NFD_MARK_WINDOW:-} ${NFD_MARK_AT:-} $$.${NFD_CLOCK_NOW:-0.0}"
  if { printf '<6>%s\n' "$nfd_mark" > /dev/kmsg; } 2>/dev/null; then
    nfd_log_clock
    nfd_emit "marker${TAB}$nfd_mark"
    nfd_emit "pos${TAB}-1"
  else
    nfd_kmsg_read 0 -1 '' '' '' ''
  fi
}
