# nfdebug log budget: the sampler that the dead-man's switch runs (expire.sh) while a window with a
# budget is open. The header's budget is "MAX PER LINES EVERY": at most MAX lines per PER seconds
# (averaged over one sample period), at most LINES lines in the whole window, a sample every EVERY
# seconds.
#
# What is counted: kernel log records, not conntrack's INVALID statistic. The statistic under-counts
# the lines (kernel 6.1, net/netfilter/nf_conntrack_core.c nf_conntrack_in: "invalid" is counted only
# when the tracker returns <= 0, but nf_conntrack_proto_tcp.c logs and then returns NF_ACCEPT for
# "packet ... ignored", "challenge-ack ignored" and tcp_in_window's NFCT_TCP_IGNORE results such as
# "SEQ is under lower bound"; nf_tcp_handle_invalid logs a second line for one invalid packet; and
# /proc/net/stat/nf_conntrack is per network namespace while nf_log_all_netns=1 prints every
# namespace's lines). Each printk record, from any namespace, is one record of /dev/kmsg, and a read
# of /dev/kmsg returns exactly one record: a reader left blocked on it makes one read(2) per record,
# counted by the kernel in its /proc/PID/io "syscr". That count may exceed the lines (other kernel
# messages, the reader's own start-up reads) but not fall short of them, unless the reader falls a
# whole ring buffer behind (the kernel then skips the records it overwrote). Sampling is the read
# builtin on that file: no process per sample but the sleep.
#
# Sets B_reader (the reader's pid, empty when the budget cannot be enforced), B_max, B_per,
# B_maxlines, B_every, B_total (lines so far in this window, carried over from an earlier sampler
# through $J/budget: an extended window keeps its count).
nfd_budget_start() {
  B_reader=
  [ -n "$W_budget" ] || return 1
  set -- $W_budget
  B_max=$1 B_per=$2 B_maxlines=$3 B_every=$4
  B_total=0
  if [ -f "$J/budget" ]; then
    b_id=
    while IFS='=' read -r k v; do
      case $k in
      id) b_id=$v ;;
      lines) [ "$b_id" = "$id" ] && B_total=$v ;;
      esac
    done < "$J/budget"
  fi
  if ! [ -r /dev/kmsg ]; then
    nfd_budget_write "unenforced=/dev/kmsg is not readable"
    return 1
  fi
  # The reader reads the ring buffer from its oldest record first. A full ring buffer drops its
  # oldest record for each new one, and a reader still catching up then loses its place and ends
  # with EPIPE (seen on CI: twenty hosts' readers starting together while their applies logged).
  # Nothing of the window has been logged yet (the apply changes nothing before the switch answers),
  # so such a reader is replaced rather than taken for an overrun; a host whose log keeps moving
  # faster than a reader catches up gets no budget, and says why.
  b_try=0
  while :; do
    nfd_budget_reader
    if nfd_budget_caught_up; then
      nfd_budget_count && break
      # A reader still there (even a zombie keeps its /proc/PID/io) without /proc/PID/io: the
      # kernel keeps no task I/O accounting. One already reaped is tried again.
      if [ -r "/proc/$B_reader/stat" ]; then
        nfd_budget_stop
        nfd_budget_write "unenforced=/proc/PID/io is missing (no task I/O accounting)"
        return 1
      fi
    fi
    nfd_budget_stop
    b_try=$((b_try + 1))
    if [ "$b_try" -ge 5 ]; then
      nfd_budget_write "unenforced=the kernel log moved faster than a reader could catch up with it (5 tries)"
      return 1
    fi
  done
  nfd_uptime_cs
  nfd_clock
  B_base=$((NFD_NOW - B_t / 100))
  B_last=$B_count B_last_t=$B_t
  nfd_budget_write
  return 0
}

# Starts the kernel log reader into B_reader: in this process group, so that stopping the switch
# (kill -TERM -PGID) stops the reader with it, and not holding fd 3, the pipe nfd_arm reads the
# switch's answer from until it closes. With setpriv (util-linux 2.33+), the kernel kills the reader
# when the switch dies by any means (a SIGKILL of its pid alone runs no trap): no orphan left
# reading every kernel record.
nfd_budget_reader() {
  if setpriv --pdeathsig KILL -- true > /dev/null 2>&1; then
    setpriv --pdeathsig KILL -- cat /dev/kmsg > /dev/null 2>&1 3>&- &
  else
    cat /dev/kmsg > /dev/null 2>&1 3>&- &
  fi
  B_reader=$!
}

# Waits until the reader has read the records already in the ring buffer: asleep in its read of
# /dev/kmsg (state S, as cat: not the shell or setpriv before the exec), so that the backlog is not
# taken for a flood. A backlog drains in milliseconds; the spin is bounded, and a reader that may
# still be catching up at its end passes (its backlog then counts as window lines: an over-count).
# Fails when the reader ended (state Z, or gone) before catching up.
nfd_budget_caught_up() {
  b_n=0
  while [ "$b_n" -lt 2000 ]; do
    b_pid= b_comm= b_state=
    { read -r b_pid b_comm b_state rest < "/proc/$B_reader/stat"; } 2>/dev/null
    case "$b_comm $b_state" in
    "(cat) S") return 0 ;;
    *" Z" | *" X" | " ") return 1 ;;
    esac
    b_n=$((b_n + 1))
  done
  return 0
}

nfd_budget_stop() {
  [ -z "$B_reader" ] || kill "$B_reader" 2>/dev/null
  B_reader=
}
# At the sampler's exit: its reader stops, and its count goes once the window is no longer open.
nfd_budget_end() {
  nfd_budget_stop
  { nfd_window_read && [ "$W_id" = "$id" ]; } || rm -f "$J/budget"
}

# nfdebug.prom's kernel log count (textfile.sh) follows the sampler: when lines came, at most every
# 60 s (a few processes: flock, awk, mv), and under the host lock, because a revert between the
# check and the write would leave a file saying that a closed window is open. Busy: next time.
nfd_budget_publish() {
  [ -n "$W_textfile" ] && [ -d "$W_textfile" ] && [ "$B_total" != "${B_published:-0}" ] || return 0
  [ "$((B_t - ${B_published_t:-0}))" -ge 6000 ] || return 0
  B_published_t=$B_t
  NFD_LOCK_WHAT="log budget of window $id"
  nfd_lock 0 > /dev/null 2>&1 || return 0
  if nfd_window_read && [ "$W_id" = "$id" ] && [ "$W_state" = open ]; then
    nfd_textfile_write > /dev/null 2>&1
    B_published=$B_total
  fi
  nfd_unlock
}

# The reader's read(2) count into B_count (the read builtin: no process).
nfd_budget_count() {
  B_count=
  while IFS=' ' read -r k v; do
    case $k in syscr:)
      B_count=$v
      break
      ;;
    esac
  done < "/proc/$B_reader/io" 2>/dev/null
  case $B_count in '' | *[!0-9]*) return 1 ;; esac
}

# Centiseconds since boot into B_t (see nfd_uptime in expire.sh).
nfd_uptime_cs() {
  b_s= b_f=
  { IFS=' .' read -r b_s b_f rest < /proc/uptime; } 2>/dev/null
  b_f=${b_f#0}
  B_t=$((b_s * 100 + ${b_f:-0}))
}

# $J/budget: the count so far, for status and a later sampler of the same window; then EXTRA lines.
nfd_budget_write() {
  printf 'id=%s\nlines=%s\nat=%s\n%s' "$id" "$B_total" "$((B_base + B_t / 100))" "${1:+$1$NL}" \
    2>/dev/null > "$J/budget"
}

# One sample: succeeds when the window went over its budget, with B_trip "AT KIND MEASURED LIMIT"
# (rate: lines per PER seconds over the last period, LIMIT "MAX/s" or "MAX/min"; lines: the total).
# A reader that stopped trips the window ("overrun"): one that fell behind the ring buffer ends with
# EPIPE (cat: "Broken pipe"; seen on a flooded host), so lines went by uncounted, and without a
# reader nothing is counted any more. Ending the window is the only way not to under-count (its
# exit status cannot tell a flood from a kill: the shell may have reaped it already).
nfd_budget_sample() {
  [ -n "$B_reader" ] || return 1
  if ! nfd_budget_count; then
    B_reader=
    nfd_uptime_cs
    b_unit=s
    [ "$B_per" = 60 ] && b_unit=min
    B_trip="$((B_base + B_t / 100)) overrun $B_total $B_max/$b_unit"
    nfd_budget_write "tripped=$B_trip"
    return 0
  fi
  nfd_uptime_cs
  b_lines=$((B_count - B_last))
  b_cs=$((B_t - B_last_t))
  [ "$b_cs" -gt 0 ] || b_cs=1
  B_last=$B_count B_last_t=$B_t
  B_total=$((B_total + b_lines))
  b_at=$((B_base + B_t / 100))
  B_trip=
  b_unit=s
  [ "$B_per" = 60 ] && b_unit=min
  if [ "$((b_lines * B_per * 100))" -gt "$((B_max * b_cs))" ]; then
    B_trip="$b_at rate $((b_lines * B_per * 100 / b_cs)) $B_max/$b_unit"
  elif [ "$B_total" -gt "$B_maxlines" ]; then
    B_trip="$b_at lines $B_total $B_maxlines"
  fi
  nfd_budget_write "${B_trip:+tripped=$B_trip}"
  [ -n "$B_trip" ]
}
