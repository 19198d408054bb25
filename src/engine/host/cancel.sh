# nfdebug cancel: undo an apply whose connection dropped before the controller heard how it ended.
# The apply script ignores hang-ups and may still be running, or waiting for the lock. Under the
# lock there are two cases: it opened window ID (revert it), or it has not begun (leave a mark
# that makes it refuse to begin, see nfd_begin). Usage: (body) nfd_cancel ID
nfd_cancel() {
  nfd_lock || exit 3
  trap 'nfd_unlock' EXIT
  if nfd_window_read && [ "$W_id" = "$1" ] && [ -f "$J/revert.sh" ]; then
    NFD_LOCK_HELD=1 sh "$J/revert.sh" cancelled 0 "$1"
    return 0
  fi
  : > "$J/cancelled.$1"
  # Marks of applies that never arrived (the connection dropped earlier) are dropped after a day.
  find "$J" -name 'cancelled.*' -mtime +0 -exec rm -f {} + 2>/dev/null
  nfd_emit "revert${TAB}none"
}
