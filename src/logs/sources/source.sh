# nfdebug log sources: what every source's reader shares (after src/shell/frame.sh).
LC_ALL=C; export LC_ALL

# nfd_log_clock [BOOT]: sets nfd_boot, nfd_now and nfd_up and prints them as the clock frame,
# printed first. Fails, saying so (warn boot_changed), when the host booted since BOOT: a position
# of another boot is read from the start.
# `date +%s.%N` is GNU; other dates print a literal N, so fall back to seconds. A host script that
# already read the boot id or the clock passes them in NFD_CLOCK_BOOT and NFD_CLOCK_NOW (no process
# for them here); /proc/uptime is read with the builtin (a seq_file: reads at any offset work,
# unlike /proc/sys files).
nfd_log_clock() {
  nfd_boot=${NFD_CLOCK_BOOT:-$(cat /proc/sys/kernel/random/boot_id 2>/dev/null || echo -)}
  nfd_now=${NFD_CLOCK_NOW:-$(date +%s.%N 2>/dev/null)}
  case $nfd_now in '' | *N*) nfd_now=$(date +%s) ;; esac
  nfd_up=
  { read -r nfd_up nfd_idle < /proc/uptime; } 2>/dev/null
  nfd_up=${nfd_up:--}
  nfd_emit "clock${TAB}$nfd_boot${TAB}$nfd_now${TAB}$nfd_up"
  if [ -n "${1:-}" ] && [ "$nfd_boot" != "$1" ]; then
    nfd_emit "warn${TAB}boot_changed${TAB}$1"
    return 1
  fi
}

# nfd_log_match STRING...: a reader passes on only the records containing one of the strings
# (none: all). They reach awk through the environment (ENVIRON is POSIX), never through its
# program text, so no quoting rules of awk apply.
nfd_log_match() {
  NFD_MATCHES=$#
  export NFD_MATCHES
  nfd_i=0
  for nfd_s do
    nfd_i=$((nfd_i + 1))
    export "NFD_MATCH$nfd_i=$nfd_s"
  done
}
# The awk side, put before each reader's program: wanted() is true for a record ($0) to pass on.
nfd_match_awk='
BEGIN { nm = ENVIRON["NFD_MATCHES"] + 0; for (k = 1; k <= nm; k++) m[k] = ENVIRON["NFD_MATCH" k] }
function wanted(   k) {
  if (nm == 0) return 1
  for (k = 1; k <= nm; k++) if (index($0, m[k]) > 0) return 1
  return 0
}
'
