# nfdebug journald reader (after source.sh): `journalctl -k -o export` entries of the current boot.
# nfd_journald_read RECORDS CURSOR UNTIL [MATCH...]
#   RECORDS  1: print the entries from CURSOR on, 0: only the newest entry (a window's start)
#   CURSOR   the saved cursor (inclusive: the parser skips the saved entry) or '' (boot's start)
#   UNTIL    the cursor of the window's end, or ''
# Prints the clock, the first entry's cursor (firstcursor), the entries, the cursor of the last
# entry the filter skipped (cursor) and journalctl's exit status (exit). An entry is one E frame
# (cursor, realtime µs, priority, facility, message); one whose message the export format writes
# as binary (control characters, such as the newline in SCTP's reason, or invalid UTF-8) is asked
# for again as JSON and sent as an R frame (one JSON object).
# The export format, not JSON: journalctl formats it in a third of the CPU time and awk turns it
# into frames of two thirds of the bytes (measured with 50,000 entries; BENCHMARKS.md).
nfd_journald_read() {
  nfd_records=$1 NFD_CURSOR=$2 NFD_UNTIL=$3
  shift 3
  nfd_log_match "$@"
  export NFD_UNTIL
  nfd_log_clock
  nfd_fields=
  if journalctl --help 2>/dev/null | grep -q -e '--output-fields'; then
    nfd_fields=--output-fields=MESSAGE,PRIORITY,SYSLOG_FACILITY
  fi
  if [ "$nfd_records" = 0 ]; then
    set -- -n 1
  elif [ -n "$NFD_CURSOR" ]; then
    set -- --cursor="$NFD_CURSOR"
  else
    set --
  fi
  {
    journalctl -k -o export --all --no-pager $nfd_fields "$@"
    printf '@@exit\t%s\n' "$?"
  } | awk -v records="$nfd_records" "$nfd_match_awk"'
BEGIN { n = 0; done = 0; pending = ""; c = ""; q = sprintf("%c", 39) }
# One entry as JSON, for a message the export format wrote as binary. The cursor came from
# journalctl; it is checked against the shape of a cursor before it is quoted into a command.
function json_entry(cur,   cmd, line) {
  if (cur !~ /^[A-Za-z0-9=;_-]+$/) return ""
  cmd = "journalctl -k -o json --all --no-pager --cursor=" q cur q " 2>/dev/null"
  line = ""
  cmd | getline line
  close(cmd)
  return line
}
# wanted() reads $0: the line being read is put back afterwards.
function finish(   json, line) {
  line = $0
  if (n++ == 0) print "@@firstcursor\t" c
  if (!done) {
    if (bin) {
      json = json_entry(c)
      $0 = json
      if (json == "") print "@@warn\tjournal_entry_unread\t" c
      else if (!records || wanted()) { print "@@R\t" json; pending = "" } else pending = c
    } else {
      $0 = msg
      if (!records || wanted()) { print "@@E\t" c "\t" t "\t" p "\t" f "\t" msg; pending = "" } else pending = c
    }
  }
  if (ENVIRON["NFD_UNTIL"] != "" && c == ENVIRON["NFD_UNTIL"]) done = 1
  c = ""
  $0 = line
}
/^@@exit\t/ { if (c != "") finish(); x = $0; next }
/^__CURSOR=/ { if (c != "") finish(); c = substr($0, 10); t = ""; msg = ""; p = ""; f = ""; bin = 0; next }
c == "" { next }
# A binary field: its name alone on a line, then its length and bytes, which may hold newlines
# and empty lines; the entry ends at the next cursor.
bin { next }
$0 == "" { finish(); next }
index($0, "=") == 0 { bin = 1; next }
substr($0, 1, 8) == "MESSAGE=" { msg = substr($0, 9); next }
substr($0, 1, 21) == "__REALTIME_TIMESTAMP=" { t = substr($0, 22); next }
substr($0, 1, 9) == "PRIORITY=" { p = substr($0, 10); next }
substr($0, 1, 16) == "SYSLOG_FACILITY=" { f = substr($0, 17); next }
END { if (c != "") finish(); if (pending != "") print "@@cursor\t" pending; if (x != "") print x }'
}
