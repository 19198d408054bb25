# nfdebug kind printk, library (every host script has it): where the dynamic-debug control file is,
# and what a window keeps of its printk sites.

# The control file into NFD_DDCTL ("" without one): /proc/dynamic_debug/control (5.6+), else debugfs.
nfd_find_ddctl() {
  if [ -w /proc/dynamic_debug/control ] || [ -r /proc/dynamic_debug/control ]; then
    NFD_DDCTL=/proc/dynamic_debug/control
  elif [ -r /sys/kernel/debug/dynamic_debug/control ]; then
    NFD_DDCTL=/sys/kernel/debug/dynamic_debug/control
  else
    NFD_DDCTL=
  fi
}

# NFD_DDCTL, looked up once per script.
nfd_ddctl() {
  [ -n "${NFD_DDCTL_FOUND:-}" ] && return 0
  nfd_find_ddctl
  NFD_DDCTL_FOUND=1
}

# When apply opens a window (DIR, its directory): printk.sites lists the "file:line func" of the
# sites it enabled, for collect to report their control lines after the window.
nfd_window_opened_printk() {
  while IFS="$TAB" read -r kind key rest; do
    case $kind in printk | printk:*) printf '%s\n' "$key" ;; esac
  done < "$J/changes" 2>/dev/null > "$1/printk.sites"
}

# When collect reads a window (DIR): the control file's lines of its sites, as printk-control frames.
nfd_window_collect_printk() {
  [ -s "$1/printk.sites" ] || return 0
  nfd_ddctl
  [ -n "$NFD_DDCTL" ] || return 0
  while read -r site fn; do
    awk -v site="$site" -v fn="$fn" '$1 == site { f = $2; sub(/^\[[^]]*\]/, "", f); if (f == fn) print "@@file\tprintk-control\t" $0 }' "$NFD_DDCTL"
  done < "$1/printk.sites"
}
