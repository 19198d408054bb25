# nfdebug apply: functions called by the generated body that follows. All or nothing on this host:
# the dead-man's switch is armed and verified before the first change, every original value is
# journaled (and the write checked) before it is changed, and any failure rolls the host back.
# Body: nfd_begin_lock ID; (install the scripts of this version); nfd_begin …; steps; nfd_commit.
# The steps call the kinds' functions (src/kinds/*/*.sh: nfd_sysctl, nfd_module, nfd_printk), each
# with its change's type KIND:KNOB first; journal lines are "TYPE<TAB>KEY<TAB>FROM<TAB>TO".
NFD_FAILED=
nfd_fail() {
  nfd_emit "fail${TAB}$1${TAB}$2"
  NFD_FAILED=1
}
# One journal line, written before the change it records; a failed write fails the run.
nfd_journal() {
  if printf '%s\n' "$1$TAB$2$TAB$3$TAB$4" 2>/dev/null >> "$J/changes"; then
    NFD_JOURNALED=1
    return 0
  fi
  nfd_storage_fail "$J/changes"
  NFD_FAILED=1
  return 1
}
# Is "TYPE<TAB>KEY<TAB>…" in the journal (a small regular file: read with the builtin)?
nfd_journaled() {
  [ -f "$J/changes" ] || return 1
  while IFS= read -r l || [ -n "$l" ]; do
    case $l in "$1$TAB$2$TAB"*) return 0 ;; esac
  done < "$J/changes"
  return 1
}

# nfd_begin_lock ID: the host lock, taken before anything is written (the scripts of this version
# are installed under it, so a timer never runs a revert.sh another run is replacing).
nfd_begin_lock() {
  # Finish even when the controller's connection drops: writes to a closed stdout just fail.
  trap '' HUP PIPE
  NFD_LOCK_WHAT="apply of window $1"
  nfd_lock || exit 3
  # The controller lost this run's connection and cancelled the window (cancel.sh) before this
  # apply got the lock: it must never begin.
  if [ -f "$J/cancelled.$1" ]; then
    rm -f "$J/cancelled.$1"
    nfd_emit "fail${TAB}remote${TAB}window $1 was cancelled by its controller before it began"
    exit 7
  fi
  nfd_drop_old_cancel_marks
}

# nfd_scripts_dir VERSION: where this version's revert.sh and expire.sh live, $J/s/VERSION
# (NFD_SCRIPTS), under the lock (nfd_begin_lock ran before): the timer and `nfdebug revert` run them.
nfd_scripts_dir() {
  NFD_SCRIPTS=$1
  [ -d "$J/s/$1" ] || mkdir -p "$J/s/$1" 2>/dev/null || {
    nfd_storage_fail "$J/s"
    exit 3
  }
}

# nfd_script_same NAME FIRST: $J/s/$NFD_SCRIPTS/NAME begins with the line FIRST (naming its version).
nfd_script_same() {
  nfd_l=
  { IFS= read -r nfd_l < "$J/s/$NFD_SCRIPTS/$1"; } 2>/dev/null
  [ "$nfd_l" = "$2" ]
}

# nfd_script_check NAME FIRST: the facts found this version installed (so its text was not sent);
# it must still be there.
nfd_script_check() {
  nfd_script_same "$1" "$2" && return 0
  nfd_emit "fail${TAB}remote${TAB}$J/s/$NFD_SCRIPTS/$1 changed since the facts were read; run the command again"
  exit 6
}

# nfd_script_install NAME FIRST TEXT: writes TEXT (its first line FIRST) as NAME unless it is there.
# Written beside, then renamed: a half-written revert.sh is never what a timer runs; a write that
# fails (a full /run) stops the apply before any change.
nfd_script_install() {
  nfd_script_same "$1" "$2" && return 0
  nfd_f=$J/s/$NFD_SCRIPTS/$1
  if ! { printf '%s\n' "$3" > "$nfd_f.new"; } 2>/dev/null || ! mv -f "$nfd_f.new" "$nfd_f"; then
    rm -f "$nfd_f.new"
    nfd_storage_fail "$nfd_f"
    exit 3
  fi
}

# Versions of the host scripts that no window uses any more (this run's and the open window's stay).
nfd_prune_scripts() {
  for d in "$J"/s/*; do
    case ${d##*/} in "$NFD_SCRIPTS" | "$W_scripts" | '*') ;; *) rm -rf "$d" ;; esac
  done
}

# Reverts the window in the header with its own revert.sh, under this run's lock; its lines are
# passed on as "@@PREFIX-…". Then reads the header again.
nfd_revert_open() {
  nfd_revert_path
  if [ -n "$NFD_REVERT" ]; then
    NFD_LOCK_HELD=1 sh "$NFD_REVERT" "$1" 0 "$W_id" | sed "s/^@@/@@$1-/"
  fi
  nfd_window_read
}

# nfd_begin ID OWNER PROFILE SECONDS TIMER [BUDGET]   (TIMER: "timer", or "none" for --no-timer;
# BUDGET: the log budget, "MAX PER LINES EVERY" as budget.sh reads it, empty for none)
nfd_begin() {
  NFD_ID=$1
  NFD_SECONDS=$4
  nfd_boot_id
  [ -n "$boot" ] || boot=unknown
  nfd_clock
  now=$NFD_NOW
  nfd_emit "now${TAB}$now${TAB}$boot"
  if nfd_window_read; then
    if [ "$W_boot_id" != "$boot" ]; then
      nfd_history "closed${TAB}$W_id${TAB}$now${TAB}reboot"
      nfd_announce reboot
      nfd_textfile_remove
      rm -f "$J/window" "$J/changes" "$J/logpos"
      nfd_window_read
    elif nfd_overdue "$now" "$boot"; then
      # Its switch waits for the lock or died: revert it before anything else.
      nfd_revert_open expired
    elif [ "$W_state" = opening ]; then
      # The run that began opening it is gone (this run holds the lock): undo what it did.
      nfd_revert_open abandoned
    fi
  fi
  nfd_prune_scripts
  # The state before any step of this run (nf_log bindings, compared again at commit), taken after
  # an overdue or abandoned window was reverted, and the values the steps start from.
  nfd_snapshot
  NFD_SNAP_BEFORE=$NFD_SNAP
  nfd_snap_get /proc/sys/kernel/random/boot_id && NFD_CLOCK_BOOT=$v
  nfd_snap_get /proc/sys/kernel/osrelease && NFD_KERNEL=$v
  nfd_ct_sysctls
  NFD_JOURNAL_START=0
  if [ -n "$W_id" ]; then
    if [ "$W_profile" != "$3" ]; then
      nfd_emit "refused${TAB}$W_id${TAB}$W_owner${TAB}$W_profile${TAB}$W_expires"
      exit 5
    fi
    NFD_ID=$W_id
    NFD_SAME=1
    nfd_emit "window${TAB}same${TAB}$NFD_ID${TAB}$W_expires"
    # Lines in the journal (as wc -l counts them).
    if [ -f "$J/changes" ]; then
      while IFS= read -r l; do NFD_JOURNAL_START=$((NFD_JOURNAL_START + 1)); done < "$J/changes"
    fi
    # A switch that died (killed by hand, an OOM kill) is armed again before anything changes.
    if [ "$W_state" = open ] && { [ -n "$W_timer_unit" ] || [ -n "$W_watchdog_pid" ]; } && ! nfd_armed; then
      if nfd_arm "$NFD_ID" "$((W_expires - now))" "$now" && nfd_window_write; then
        nfd_emit "timer${TAB}rearmed${TAB}${W_timer_unit:-$W_watchdog_pid}"
      else
        nfd_emit "fail${TAB}remote${TAB}the open window's dead-man's switch is gone and could not be armed again: ${NFD_ARM_ERROR:-cannot write $J/window}"
        exit 6
      fi
    fi
  else
    W_id=$1 W_owner=$2 W_profile=$3 W_started=$now W_expires=$((now + $4)) W_boot_id=$boot
    W_state=opening W_timer_unit= W_watchdog_pid= W_scripts=$NFD_SCRIPTS W_textfile=${NFD_TEXTFILE:-} W_budget=${6:-}
    if ! nfd_window_write; then
      nfd_storage_fail "$J/window"
      exit 3
    fi
    if ! : 2>/dev/null > "$J/changes"; then
      rm -f "$J/window"
      nfd_storage_fail "$J/changes"
      exit 3
    fi
    if [ "$5" != none ]; then
      if ! nfd_arm "$1" "$4"; then
        rm -f "$J/window" "$J/changes" "$J/budget"
        nfd_emit "fail${TAB}unsupported${TAB}cannot arm the dead-man's switch, so nothing was changed: $NFD_ARM_ERROR"
        exit 6
      fi
      if ! nfd_window_write; then
        nfd_disarm
        rm -f "$J/window" "$J/changes" "$J/budget"
        nfd_storage_fail "$J/window"
        exit 3
      fi
      nfd_emit "timer${TAB}${W_timer_unit:+systemd}${W_watchdog_pid:+watchdog}${TAB}${W_timer_unit:-$W_watchdog_pid}"
    fi
  fi
}

# Undoes what this run changed (an already open window keeps its earlier changes). A new window
# whose steps changed nothing is simply removed with its switch.
nfd_rollback() {
  if [ -n "${NFD_JOURNALED:-}" ]; then
    nfd_revert_path
    NFD_LOCK_HELD=1 NFD_ROLLBACK_FROM=$NFD_JOURNAL_START sh "$NFD_REVERT" rollback 0 "$NFD_ID" | sed 's/^@@/@@rollback-/'
  elif [ -z "${NFD_SAME:-}" ]; then
    nfd_disarm
    rm -f "$J/window" "$J/changes" "$J/budget"
    rm -rf "$P/windows/$NFD_ID"
    nfd_emit "rollback-revert${TAB}done${TAB}$NFD_ID"
  fi
}

nfd_commit() {
  [ -z "$NFD_FAILED" ] && nfd_side_effects
  if [ -n "$NFD_FAILED" ]; then
    nfd_rollback
    exit 6
  fi
  if [ -n "${NFD_SAME:-}" ]; then
    nfd_emit "done${TAB}same${TAB}$NFD_ID${TAB}$W_expires"
    exit 0
  fi
  if [ ! -s "$J/changes" ]; then
    # Nothing was changed: there is nothing to revert, so no window stays open.
    nfd_disarm
    rm -f "$J/window" "$J/changes" "$J/budget"
    rm -rf "$P/windows/$NFD_ID"
    nfd_emit "done${TAB}nochange"
    exit 0
  fi
  W_state=open
  if ! nfd_window_write; then
    # Left "opening", the next run would take it for abandoned: undo it now instead.
    nfd_storage_fail "$J/window"
    NFD_FAILED=1
    nfd_rollback
    exit 6
  fi
  [ ! -d "$P/windows/$NFD_ID" ] || nfd_kind_hooks window_opened "$P/windows/$NFD_ID"
  nfd_history "opened${TAB}$NFD_ID${TAB}$W_started${TAB}$W_boot_id${TAB}$W_owner${TAB}$W_profile${TAB}$W_expires"
  nfd_announce open
  nfd_textfile_write
  nfd_emit "done${TAB}opened${TAB}$NFD_ID${TAB}$W_expires"
}
