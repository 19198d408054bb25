# nfdebug journald reader (after source.sh): `journalctl -k -o json` entries of the current boot.
# nfd_journald_read RECORDS CURSOR UNTIL [MATCH...]
#   RECORDS  1: print the entries from CURSOR on, 0: only the newest entry (a window's start)
#   CURSOR   the saved cursor (inclusive: the parser skips the saved entry) or '' (boot's start)
#   UNTIL    the cursor of the window's end, or ''
# Prints the clock, the first entry's cursor (firstcursor), the entries (R, one JSON object each),
# the cursor of the last entry the filter skipped (cursor) and journalctl's exit status (exit).
nfd_journald_read() {
  nfd_records=$1 NFD_CURSOR=$2 NFD_UNTIL=$3
  shift 3
  nfd_log_match "$@"
  export NFD_UNTIL
  nfd_log_clock
  nfd_fields=
  if journalctl --help 2>/dev/null | grep -q -e '--output-fields'; then
    nfd_fields=--output-fields=MESSAGE,PRIORITY,SYSLOG_FACILITY,_BOOT_ID
  fi
  if [ "$nfd_records" = 0 ]; then
    set -- -n 1
  elif [ -n "$NFD_CURSOR" ]; then
    set -- --cursor="$NFD_CURSOR"
  else
    set --
  fi
  {
    journalctl -k -o json --all --no-pager $nfd_fields "$@"
    printf '@@exit\t%s\n' "$?"
  } | awk -v records="$nfd_records" "$nfd_match_awk"'
BEGIN { n = 0; done = 0; pending = "" }
/^@@exit\t/ { x = $0; next }
substr($0, 1, 1) != "{" { next }
{
  i = index($0, "\"__CURSOR\":\""); c = substr($0, i + 12); c = substr(c, 1, index(c, "\"") - 1)
  if (n++ == 0) print "@@firstcursor\t" c
  if (done) next
  if (!records || wanted()) { print "@@R\t" $0; pending = "" } else pending = c
  if (ENVIRON["NFD_UNTIL"] != "" && c == ENVIRON["NFD_UNTIL"]) done = 1
}
END { if (pending != "") print "@@cursor\t" pending; if (x != "") print x }'
}
