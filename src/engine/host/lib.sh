# nfdebug host library: sourced at the top of every script nfdebug runs on a host.
# POSIX sh only. Output lines that start with "@@" are for the controller; everything else is noise.
# Cheap on purpose (hosts may share a few cores): builtins where they are exact, one process for
# many /proc reads. Never use the read builtin on a numeric /proc/sys file: dash reads one byte per
# read(2), and such a file read at a non-zero offset is at its end, so only the first character comes
# back (string sysctls such as osrelease and boot_id read fine).
umask 077
# sshd gives non-root logins a PATH without the sbin directories (modprobe, sysctl, conntrack live there).
case ":$PATH:" in *:/usr/sbin:*) ;; *) PATH=$PATH:/usr/local/sbin:/usr/sbin:/sbin ;; esac
J=/run/nfdebug
P=/var/lib/nfdebug
# A tab and a newline, without a $(printf) subshell.
TAB='	'
NL='
'

nfd_emit() { printf '@@%s\n' "$*"; }

# Atomic per-host lock: mkdir succeeds for exactly one process. A lock whose owner is gone is broken.
nfd_lock() {
  n=0
  while ! mkdir "$J/lock" 2>/dev/null; do
    if [ ! -d "$J" ]; then
      mkdir -p "$J" || return 1
      continue
    fi
    owner=
    { IFS= read -r owner < "$J/lock/pid"; } 2>/dev/null
    if [ -n "$owner" ] && ! kill -0 "$owner" 2>/dev/null; then
      rm -rf "$J/lock"
      continue
    fi
    n=$((n + 1))
    if [ "$n" -ge 50 ]; then
      nfd_emit "locked${TAB}another nfdebug run holds the lock on this host (pid ${owner:-unknown})"
      return 1
    fi
    sleep 0.1 2>/dev/null || sleep 1
  done
  echo $$ > "$J/lock/pid"
}
nfd_unlock() { rm -rf "$J/lock"; }


# Value of KEY in the open window's header ($J/window: key=value lines). For scripts composed
# elsewhere (collect); the host scripts read the whole header once with nfd_window_read.
nfd_window_get() { sed -n "s/^$1=//p" "$J/window" 2>/dev/null | head -n 1; }

# The window header into W_id, W_owner, W_profile, W_started, W_expires, W_boot_id, W_state,
# W_timer_unit, W_watchdog_pid (the first line of each key, as nfd_window_get). Fails without a window.
nfd_window_read() {
  W_id= W_owner= W_profile= W_started= W_expires= W_boot_id= W_state= W_timer_unit= W_watchdog_pid=
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
    esac
  done < "$J/window"
  return 0
}

# Writes the header from the W_ variables: beside, then renamed, so that a reader never sees it half.
nfd_window_write() {
  {
    printf 'id=%s\nowner=%s\nprofile=%s\nstarted=%s\nexpires=%s\nboot_id=%s\nstate=%s\n' \
      "$W_id" "$W_owner" "$W_profile" "$W_started" "$W_expires" "$W_boot_id" "$W_state"
    [ -z "$W_timer_unit" ] || printf 'timer_unit=%s\n' "$W_timer_unit"
    [ -z "$W_watchdog_pid" ] || printf 'watchdog_pid=%s\n' "$W_watchdog_pid"
  } > "$J/window.new" && mv -f "$J/window.new" "$J/window"
}

# Epoch seconds (NFD_NOW) and, where date has %N, with nanoseconds (NFD_CLOCK_NOW, for the log
# source snippets' clock line): one date per script.
nfd_clock() {
  NFD_CLOCK_NOW=$(date +%s.%N 2>/dev/null)
  case $NFD_CLOCK_NOW in '' | *N*) NFD_CLOCK_NOW=$(date +%s) ;; esac
  NFD_NOW=${NFD_CLOCK_NOW%%.*}
}

# Persistent history survives reboots, so status can tell "ended by reboot".
nfd_history() {
  { [ -d "$P" ] || mkdir -p "$P"; } && printf '%s\n' "$*" >> "$P/windows.log"
}

# Flags of one dynamic-debug site, identified by "file:line" and function name.
nfd_printk_flags() {
  awk -v site="$1" -v fn="$2" '$1 == site { f = $2; sub(/^\[[^]]*\]/, "", f); if (f == fn) { v = $3; sub(/^=/, "", v); print v; exit } }' "$NFD_DDCTL"
}
nfd_find_ddctl() {
  if [ -w /proc/dynamic_debug/control ] || [ -r /proc/dynamic_debug/control ]; then
    NFD_DDCTL=/proc/dynamic_debug/control
  elif [ -r /sys/kernel/debug/dynamic_debug/control ]; then
    NFD_DDCTL=/sys/kernel/debug/dynamic_debug/control
  else
    NFD_DDCTL=
  fi
}

