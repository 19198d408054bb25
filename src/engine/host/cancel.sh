# nfdebug cancel: undo an apply whose connection dropped before the controller heard how it ended.
# The apply script ignores hang-ups and may still be running, or waiting for the lock. Under the
# lock there are two cases: it opened window ID (revert it, also while still "opening"), or it has
# not begun (leave a mark that makes it refuse to begin, see nfd_begin_lock).
# Usage: (body) nfd_cancel ID
nfd_cancel() {
  NFD_LOCK_WHAT="cancel of window $1"
  nfd_lock || exit 3
  if nfd_window_read && [ "$W_id" = "$1" ]; then
    nfd_revert_path
    if [ -n "$NFD_REVERT" ]; then
      NFD_LOCK_HELD=1 sh "$NFD_REVERT" cancelled 0 "$1"
      return 0
    fi
  fi
  if ! : 2>/dev/null > "$J/cancelled.$1"; then
    nfd_storage_fail "$J/cancelled.$1"
    return 0
  fi
  nfd_drop_old_cancel_marks
  nfd_emit "revert${TAB}none"
}
