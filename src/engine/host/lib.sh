# nfdebug host library: sourced at the top of every script nfdebug runs on a host.
# POSIX sh only. It follows src/shell/frame.sh (nfd_emit, TAB: the protocol of the answers).
# Cheap on purpose (hosts may share a few cores): builtins where they are exact, one process for
# many /proc reads. Never use the read builtin on a numeric /proc/sys file: dash reads one byte per
# read(2), and such a file read at a non-zero offset is at its end, so only the first character comes
# back (string sysctls such as osrelease and boot_id read fine).
umask 077
# sshd gives non-root logins a PATH without the sbin directories (modprobe, sysctl, conntrack live there).
case ":$PATH:" in *:/usr/sbin:*) ;; *) PATH=$PATH:/usr/local/sbin:/usr/sbin:/sbin ;; esac
J=/run/nfdebug
P=/var/lib/nfdebug
# A newline, without a $(printf) subshell.
NL='
'

# The per-host lock: flock(2) on $J/lock through fd 9, held until this shell (or nfd_unlock) closes
# it. The kernel drops it with its holder, so a crashed run leaves nothing that blocks later runs;
# the file itself is never removed (a lock on an unlinked file would not exclude a new one).
# Processes left running after the script (the watchdog) must be started with 9>&-.
# nfd_lock [SECONDS]: waits up to SECONDS (default 10), then says who holds it and fails.
nfd_lock() {
  [ -d "$J" ] || mkdir -p "$J" 2>/dev/null || {
    nfd_storage_fail "$J"
    return 1
  }
  if ! command -v flock >/dev/null 2>&1; then
    nfd_emit "fail${TAB}unsupported${TAB}flock(1) (util-linux) is not installed: nfdebug cannot lock this host"
    return 1
  fi
  # A directory here is the mkdir lock of an nfdebug from before flock (2026-12): a run of that
  # version holding it now loses its exclusion, which is why mixing versions on a host is unsafe.
  # rm and rmdir only ever remove a directory: never the lock file another contender holds.
  if [ -d "$J/lock" ]; then
    rm -f "$J/lock/pid" 2>/dev/null
    rmdir "$J/lock" 2>/dev/null
  fi
  # `command`: a failed redirection of the special builtin exec would end the shell.
  if ! command exec 9>>"$J/lock"; then
    nfd_storage_fail "$J/lock"
    return 1
  fi
  if ! flock -w "${1:-10}" 9; then
    owner=
    { IFS= read -r owner < "$J/lock.owner"; } 2>/dev/null
    nfd_emit "locked${TAB}another nfdebug run holds the lock on this host (${owner:-owner unknown})"
    exec 9>&-
    return 1
  fi
  # For the message above only: nothing depends on it.
  printf 'pid %s, %s\n' "$$" "${NFD_LOCK_WHAT:-nfdebug}" > "$J/lock.owner" 2>/dev/null
  return 0
}
nfd_unlock() { exec 9>&-; }

# "fail host-storage" naming PATH and the free space of its file system (the journal must be
# written before a change, so a full /run or /var/lib stops the run instead of changing blindly).
nfd_storage_fail() {
  free=$(df -Pk "$1" 2>/dev/null | awk 'NR == 2 { print $4 }')
  [ -n "$free" ] || free=$(df -Pk "${1%/*}" 2>/dev/null | awk 'NR == 2 { print $4 }')
  nfd_emit "fail${TAB}host-storage${TAB}cannot write $1 (${free:-unknown} KiB free on its file system)"
}

# Value of KEY in the open window's header ($J/window: key=value lines). For scripts composed
# elsewhere (collect); the host scripts read the whole header once with nfd_window_read.
nfd_window_get() { sed -n "s/^$1=//p" "$J/window" 2>/dev/null | head -n 1; }

# The window header into W_id, W_owner, W_profile, W_started, W_expires, W_boot_id, W_state,
# W_timer_unit, W_watchdog_pid, W_scripts, W_textfile, W_budget (the first line of each key, as
# nfd_window_get). Fails without a window.
nfd_window_read() {
  W_id= W_owner= W_profile= W_started= W_expires= W_boot_id= W_state= W_timer_unit= W_watchdog_pid= W_scripts=
  W_textfile= W_budget=
  [ -f "$J/window" ] || return 1
  while IFS= read -r l || [ -n "$l" ]; do
    v=${l#*=}
    case $l in
    id=*) [ -n "$W_id" ] || W_id=$v ;;
    owner=*) [ -n "$W_owner" ] || W_owner=$v ;;
    profile=*) [ -n "$W_profile" ] || W_profile=$v ;;
    started=*) [ -n "$W_started" ] || W_started=$v ;;
    expires=*) [ -n "$W_expires" ] || W_expires=$v ;;
    boot_id=*) [ -n "$W_boot_id" ] || W_boot_id=$v ;;
    state=*) [ -n "$W_state" ] || W_state=$v ;;
    timer_unit=*) [ -n "$W_timer_unit" ] || W_timer_unit=$v ;;
    watchdog_pid=*) [ -n "$W_watchdog_pid" ] || W_watchdog_pid=$v ;;
    scripts=*) [ -n "$W_scripts" ] || W_scripts=$v ;;
    textfile=*) [ -n "$W_textfile" ] || W_textfile=$v ;;
    budget=*) [ -n "$W_budget" ] || W_budget=$v ;;
    esac
  done < "$J/window"
  return 0
}

# Writes the header from the W_ variables: beside, then renamed, so that a reader never sees it half.
# Fails, leaving the old header, when the file system is full.
nfd_window_write() {
  if {
    printf 'id=%s\nowner=%s\nprofile=%s\nstarted=%s\nexpires=%s\nboot_id=%s\nstate=%s\n' \
      "$W_id" "$W_owner" "$W_profile" "$W_started" "$W_expires" "$W_boot_id" "$W_state" &&
      { [ -z "$W_scripts" ] || printf 'scripts=%s\n' "$W_scripts"; } &&
      { [ -z "$W_budget" ] || printf 'budget=%s\n' "$W_budget"; } &&
      { [ -z "$W_timer_unit" ] || printf 'timer_unit=%s\n' "$W_timer_unit"; } &&
      { [ -z "$W_watchdog_pid" ] || printf 'watchdog_pid=%s\n' "$W_watchdog_pid"; } &&
      { [ -z "$W_textfile" ] || printf 'textfile=%s\n' "$W_textfile"; }
  } 2>/dev/null > "$J/window.new" && mv -f "$J/window.new" "$J/window"; then
    return 0
  fi
  rm -f "$J/window.new"
  return 1
}

# The dead-man's switch: a systemd timer where systemd runs (a process left in the SSH session's
# cgroup may be killed at logout under KillUserProcesses=yes), else a detached watchdog. Armed
# before the first change and verified alive: the timer unit active, or the watchdog's own
# "armed PID" on a pipe (an empty answer: it never started, e.g. setsid missing). Runs the expire.sh
# of the window's script version (W_scripts). Sets W_timer_unit or W_watchdog_pid, or
# NFD_ARM_ERROR. nfd_arm ID SECONDS_LEFT [UNIT_SUFFIX]
nfd_arm() {
  W_timer_unit= W_watchdog_pid=
  left=$2
  [ "$left" -lt 1 ] && left=1
  if [ -d /run/systemd/system ]; then
    unit=nfdebug-$1${3:+-$3}
    if ! err=$(systemd-run --quiet --unit="$unit" --on-active="${left}s" --timer-property=AccuracySec=1s \
      /bin/sh "$J/s/$W_scripts/expire.sh" once "$1" "$unit" 2>&1 9>&-); then
      NFD_ARM_ERROR="systemd-run failed: $err"
      return 1
    fi
    if ! systemctl is-active --quiet "$unit.timer" 2>/dev/null; then
      systemctl stop "$unit.timer" >/dev/null 2>&1
      NFD_ARM_ERROR="the timer $unit.timer is not active after systemd-run"
      return 1
    fi
    # The log budget's sampler (budget.sh) needs a process for the whole window: a transient
    # service beside the timer, out of the SSH session's cgroup for the same reason.
    # --collect: a sampler that failed is not left behind as a failed unit.
    if [ -n "$W_budget" ] && ! err=$(systemd-run --quiet --collect --unit="$unit-budget" \
      /bin/sh "$J/s/$W_scripts/expire.sh" budget "$1" "$unit" 2>&1 9>&-); then
      systemctl stop "$unit.timer" >/dev/null 2>&1
      NFD_ARM_ERROR="systemd-run failed for the log budget's sampler: $err"
      return 1
    fi
    W_timer_unit=$unit
    return 0
  fi
  if ! command -v setsid >/dev/null 2>&1; then
    NFD_ARM_ERROR="setsid is not installed and systemd does not run here"
    return 1
  fi
  ack=$(setsid sh "$J/s/$W_scripts/expire.sh" watch "$1" "$left" 3>&1 </dev/null >/dev/null 2>&1 9>&- &)
  case $ack in
  "armed "*[0-9]) W_watchdog_pid=${ack#armed } ;;
  *)
    NFD_ARM_ERROR="the watchdog did not start"
    return 1
    ;;
  esac
}

# Stops the switch named by W_timer_unit / W_watchdog_pid.
nfd_disarm() {
  if [ -n "$W_timer_unit" ]; then
    systemctl stop "$W_timer_unit.timer" >/dev/null 2>&1
    [ -z "$W_budget" ] || systemctl stop "$W_timer_unit-budget.service" >/dev/null 2>&1
  fi
  # The watchdog leads its own process group (its sleep too). The command line check guards
  # against a reused pid (the read builtin drops the NUL bytes between its arguments).
  if [ -n "$W_watchdog_pid" ] && nfd_watchdog_alive "$W_watchdog_pid"; then
    kill -TERM "-$W_watchdog_pid" 2>/dev/null || kill -TERM "$W_watchdog_pid" 2>/dev/null
  fi
}
nfd_watchdog_alive() {
  cmd=
  { IFS= read -r cmd < "/proc/$1/cmdline"; } 2>/dev/null
  case $cmd in *expire.sh*) return 0 ;; esac
  return 1
}

# Is the switch named in the header alive?
nfd_armed() {
  if [ -n "$W_timer_unit" ]; then
    systemctl is-active --quiet "$W_timer_unit.timer" 2>/dev/null
    return
  fi
  [ -n "$W_watchdog_pid" ] && nfd_watchdog_alive "$W_watchdog_pid"
}

# The revert script that matches the open window's journal (the version installed with it) into
# NFD_REVERT; empty when there is none. Call with the header read.
nfd_revert_path() {
  NFD_REVERT=
  if [ -n "$W_scripts" ] && [ -f "$J/s/$W_scripts/revert.sh" ]; then
    NFD_REVERT=$J/s/$W_scripts/revert.sh
  elif [ -z "$W_scripts" ] && [ -f "$J/revert.sh" ]; then
    # A window opened by an nfdebug from before versioned scripts.
    NFD_REVERT=$J/revert.sh
  fi
}

# A window past its expiry that its switch has not reverted (it waits for the lock, or died): any
# nfdebug run that touches the host reverts it first. Call with the header read.
# nfd_overdue NOW BOOT_ID
nfd_overdue() {
  [ -n "$W_id" ] && [ "$W_boot_id" = "$2" ] || return 1
  case $W_expires in '' | *[!0-9]*) return 1 ;; esac
  case $W_state in opening | open) ;; *) return 1 ;; esac
  [ "$1" -gt "$((W_expires + 2))" ]
}

# Epoch seconds (NFD_NOW) and, where date has %N, with nanoseconds (NFD_CLOCK_NOW, for the log
# readers' clock frame): one date per script.
nfd_clock() {
  NFD_CLOCK_NOW=$(date +%s.%N 2>/dev/null)
  case $NFD_CLOCK_NOW in '' | *N*) NFD_CLOCK_NOW=$(date +%s) ;; esac
  NFD_NOW=${NFD_CLOCK_NOW%%.*}
}

# The boot id into $boot (a string sysctl: the read builtin is exact).
nfd_boot_id() {
  boot=
  { IFS= read -r boot < /proc/sys/kernel/random/boot_id; } 2>/dev/null
}

# Persistent history survives reboots, so status can tell "ended by reboot".
# Best effort: a full /var/lib must not stop a revert (status then misses one line).
nfd_history() {
  { [ -d "$P" ] || mkdir -p "$P"; } 2>/dev/null && printf '%s\n' "$*" 2>/dev/null >> "$P/windows.log"
}

# Calls nfd_HOOK_KIND ARGS for each kind whose library defines it (src/kinds/*/lib.sh), in
# registry order: what a window's directory holds of a kind is the kind's business.
nfd_kind_hooks() {
  hook=$1
  shift
  for k in $NFD_KINDS; do
    if command -v "nfd_${hook}_$k" >/dev/null 2>&1; then "nfd_${hook}_$k" "$@"; fi
  done
}

# Marks left by cancel.sh for applies that had not begun: an apply waits at most 10 s for the lock
# (nfd_lock), so a mark older than a minute has no apply left to stop.
nfd_drop_old_cancel_marks() {
  find "$J" -maxdepth 1 -name 'cancelled.*' -mmin +1 -exec rm -f {} + 2>/dev/null
}
