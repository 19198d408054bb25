# nfdebug entry points of the controller's revert and extend scripts (after lib.sh).
# nfd_journal_readable: the journal exists but this login cannot read it (not root, become off):
# says so and ends the script. Without it a non-root login would just see "no open window".
nfd_journal_readable() {
  if [ -e "$J" ] && [ ! -r "$J" ]; then
    nfd_emit "denied${TAB}$J is not readable by $(id -un 2>/dev/null || echo this user)"
    exit 0
  fi
}

# nfd_revert_window ARG...: runs the revert.sh installed with the open window (the version that
# wrote its journal) with ARG...; "revert none" when there is none.
nfd_revert_window() {
  nfd_window_read
  nfd_revert_path
  if [ -z "$NFD_REVERT" ]; then
    nfd_emit "revert${TAB}none"
    exit 0
  fi
  exec sh "$NFD_REVERT" "$@"
}
