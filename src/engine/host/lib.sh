# nfdebug host library: sourced at the top of every script nfdebug runs on a host.
# POSIX sh only. Output lines that start with "@@" are for the controller; everything else is noise.
umask 077
J=/run/nfdebug
P=/var/lib/nfdebug
TAB=$(printf '\t')

nfd_emit() { printf '@@%s\n' "$*"; }

# Atomic per-host lock: mkdir succeeds for exactly one process. A lock whose owner is gone is broken.
nfd_lock() {
  mkdir -p "$J" || return 1
  n=0
  while ! mkdir "$J/lock" 2>/dev/null; do
    owner=$(cat "$J/lock/pid" 2>/dev/null)
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

nfd_boot_id() { cat /proc/sys/kernel/random/boot_id 2>/dev/null || echo unknown; }

# Value of KEY in the open window's header ($J/window: key=value lines).
nfd_window_get() { sed -n "s/^$1=//p" "$J/window" 2>/dev/null | head -n 1; }

# Persistent history survives reboots, so status can tell "ended by reboot".
nfd_history() {
  mkdir -p "$P" && printf '%s\n' "$*" >> "$P/windows.log"
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

# Is module NAME loaded (listed in /proc/modules)? Prints its use count when it is.
nfd_module_refcount() { awk -v m="$1" '$1 == m { print $3; exit }' /proc/modules 2>/dev/null; }
