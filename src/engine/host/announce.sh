# nfdebug announce (after lib.sh): each window event as one line in the host's own log, so that a
# central log system shows who turned kernel debugging on where.
# nfd_announce EVENT [CHANGES]: `logger -t nfdebug` (journald or syslog) with the window's id,
# profile, owner and expiry (the W_ header variables) and the knobs it changed: CHANGES (journal
# lines, TYPE<TAB>KEY<TAB>FROM<TAB>TO), else the journal $J/changes. EVENT is open, extend, or
# revert.sh's HOW (reverted, expired, cancelled, rollback, abandoned, tripped …), with "-OUTCOME"
# when a revert left changes behind.
# Best effort, and bounded: without logger (kmsg-only hosts, where the kernel log markers say as
# much) nothing is written; a logger that fails is ignored; one stuck on a dead /dev/log (a full
# datagram queue blocks its send) is killed after 3 s, so no window waits on the log.
nfd_announce() {
  command -v logger >/dev/null 2>&1 || return 0
  # Values in double quotes with " and \ escaped, control characters as "?": one line whatever a
  # knob holds. At most 20 knobs (syslog truncates long lines), then how many more.
  if [ "$#" -ge 2 ]; then
    knobs=$(printf '%s\n' "$2" | nfd_announce_knobs)
  else
    knobs=$(nfd_announce_knobs < "$J/changes" 2>/dev/null)
  fi
  msg="window $W_id $1: profile=$W_profile owner=$W_owner expires=$W_expires knobs=${knobs:-none}"
  if command -v timeout >/dev/null 2>&1; then
    timeout -s KILL 3 logger -t nfdebug -p user.notice "$msg" </dev/null >/dev/null 2>&1 9>&-
  else
    # No way to bound it: in the background, where it cannot hold the window up.
    logger -t nfdebug -p user.notice "$msg" </dev/null >/dev/null 2>&1 9>&- &
  fi
  return 0
}
nfd_announce_knobs() {
  awk -F '\t' '
    function q(s) { gsub(/[\\"]/, "\\\\&", s); gsub(/[[:cntrl:]]/, "?", s); return "\"" s "\"" }
    NF >= 4 && ++n <= 20 { printf "%s%s %s %s->%s", sep, $1, q($2), q($3), q($4); sep = ", " }
    END { if (n > 20) printf ", and %d more", n - 20 }'
}
