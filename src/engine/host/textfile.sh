# nfdebug textfile (after lib.sh): the open window as metrics for node_exporter's textfile
# collector, $W_textfile/nfdebug.prom, where that directory exists (apply chose it: the header's
# textfile=). Written beside and renamed (node_exporter never reads half a file; the temporary name
# does not end in .prom, which is all the collector reads), readable by node_exporter's own user.
# Best effort: a directory that cannot be written is a warning, never a failure of the window.

# nfd_textfile_dir DIR: the directory a new window writes to ('' : none). Called before nfd_begin.
nfd_textfile_dir() { NFD_TEXTFILE=$1; }

# nfd_textfile_write [OPEN [TRIPPED]]: the file for the window in the header. OPEN 0 and TRIPPED 1:
# the window ended by tripping its budget (only the gauges that say so, no expiry).
nfd_textfile_write() {
  [ -n "$W_textfile" ] && [ -d "$W_textfile" ] || return 0
  nfd_tf_lines=0
  { IFS= read -r nfd_tf_lines < "$P/windows/$W_id/lines"; } 2>/dev/null
  case $nfd_tf_lines in '' | *[!0-9]*) nfd_tf_lines=0 ;; esac
  # The log budget's count of kernel log records ($J/budget, budget.sh), when a sampler counts for
  # this window: live, where the collected lines are as fresh as the last collect.
  nfd_tf_counted= nfd_tf_for=
  if [ -f "$J/budget" ]; then
    while IFS='=' read -r k v; do
      case $k in id) nfd_tf_for=$v ;; lines) nfd_tf_counted=$v ;; esac
    done < "$J/budget" 2>/dev/null
  fi
  case $nfd_tf_counted in '' | *[!0-9]*) nfd_tf_counted= ;; esac
  [ "$nfd_tf_for" = "$W_id" ] || nfd_tf_counted=
  nfd_tf=$W_textfile/nfdebug.prom
  # Label values through the environment (awk -v would interpret backslashes), escaped as the
  # text format says: \ " and newline.
  if (umask 022 && NFD_TF_ID=$W_id NFD_TF_PROFILE=$W_profile NFD_TF_OWNER=$W_owner \
    awk -v open="${1:-1}" -v tripped="${2:-0}" -v started="$W_started" -v expires="$W_expires" \
      -v lines="$nfd_tf_lines" -v counted="$nfd_tf_counted" '
      # split and join, not gsub: a backslash in a gsub replacement means different things in different awks.
      function swap(s, from, to,   n, parts, out, i) {
        n = split(s, parts, from)
        out = parts[1]
        for (i = 2; i <= n; i++) out = out to parts[i]
        return out
      }
      function esc(s) { return swap(swap(swap(s, "\\", "\\\\"), "\"", "\\\""), "\n", "\\n") }
      function metric(name, type, help, value) {
        printf "# HELP %s %s\n# TYPE %s %s\n%s{%s} %s\n", name, help, name, type, name, labels, value
      }
      BEGIN {
        labels = "window=\"" esc(ENVIRON["NFD_TF_ID"]) "\",profile=\"" esc(ENVIRON["NFD_TF_PROFILE"]) \
          "\",owner=\"" esc(ENVIRON["NFD_TF_OWNER"]) "\""
        metric("nfdebug_window_open", "gauge", "1 while an nfdebug debug window is open on this host (conntrack INVALID logging may be on).", open)
        if (open == 1) {
          metric("nfdebug_window_start_timestamp_seconds", "gauge", "When the debug window opened (Unix time).", started)
          metric("nfdebug_window_expiry_timestamp_seconds", "gauge", "When the host reverts the window by itself (Unix time).", expires)
        }
        metric("nfdebug_window_tripped", "gauge", "1 when the window ended by tripping its log budget (kept until the next window).", tripped)
        metric("nfdebug_invalid_lines_total", "counter", "INVALID log lines nfdebug collected from the window, as of its last collect.", lines)
        if (counted != "")
          metric("nfdebug_kernel_log_lines_total", "counter", "Kernel log records counted on this host by the log budget of the window (every kernel message of every namespace: at least its INVALID lines), as of a recent sample.", counted)
      }' > "$W_textfile/.nfdebug.prom.$$") 2>/dev/null && mv -f "$W_textfile/.nfdebug.prom.$$" "$nfd_tf" 2>/dev/null; then
    return 0
  fi
  rm -f "$W_textfile/.nfdebug.prom.$$" 2>/dev/null
  nfd_emit "warn${TAB}textfile${TAB}cannot write $nfd_tf: node_exporter does not show this window"
}

# Removes the window's file (it ended).
nfd_textfile_remove() {
  [ -n "$W_textfile" ] || return 0
  rm -f "$W_textfile/nfdebug.prom" 2>/dev/null
}
