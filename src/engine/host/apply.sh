# nfdebug apply: functions called by the generated body that follows. All or nothing on this host:
# every original value is journaled before it is changed, and any failure rolls the host back.
NFD_FAILED=
nfd_fail() {
  nfd_emit "fail${TAB}$1${TAB}$2"
  NFD_FAILED=1
}
nfd_journal() { printf '%s\n' "$1$TAB$2$TAB$3$TAB$4" >> "$J/changes"; }
nfd_nflog_snapshot() {
  for n in 0 1 2 3 4 5 6 7 8 9 10; do
    printf '%s %s\n' "$n" "$(cat /proc/sys/net/netfilter/nf_log/$n 2>/dev/null || echo -)"
  done
}
nfd_modules_snapshot() { awk '{ print $1 }' /proc/modules 2>/dev/null | sort; }

# nfd_begin ID OWNER PROFILE SECONDS
nfd_begin() {
  NFD_ID=$1
  NFD_SECONDS=$4
  # Finish even when the controller's connection drops: writes to a closed stdout just fail.
  trap '' HUP PIPE
  nfd_lock || exit 3
  trap 'nfd_unlock' EXIT
  # The controller lost this run's connection and cancelled the window (cancel.sh) before this
  # apply got the lock: it must never begin.
  if [ -f "$J/cancelled.$1" ]; then
    rm -f "$J/cancelled.$1"
    nfd_emit "fail${TAB}remote${TAB}window $1 was cancelled by its controller before it began"
    exit 7
  fi
  boot=$(nfd_boot_id)
  now=$(date +%s)
  nfd_emit "now${TAB}$now${TAB}$boot"
  if [ -f "$J/window" ]; then
    wboot=$(nfd_window_get boot_id)
    if [ "$wboot" != "$boot" ]; then
      nfd_history "closed${TAB}$(nfd_window_get id)${TAB}$now${TAB}reboot"
      rm -f "$J/window" "$J/changes" "$J/logpos"
    elif [ "$(nfd_window_get profile)" = "$3" ]; then
      NFD_ID=$(nfd_window_get id)
      NFD_SAME=1
      nfd_emit "window${TAB}same${TAB}$NFD_ID${TAB}$(nfd_window_get expires)"
    else
      nfd_emit "refused${TAB}$(nfd_window_get id)${TAB}$(nfd_window_get owner)${TAB}$(nfd_window_get profile)${TAB}$(nfd_window_get expires)"
      exit 5
    fi
  fi
  NFD_JOURNAL_START=0
  if [ -n "${NFD_SAME:-}" ]; then
    NFD_JOURNAL_START=$(wc -l < "$J/changes" 2>/dev/null || echo 0)
  else
    printf 'id=%s\nowner=%s\nprofile=%s\nstarted=%s\nexpires=%s\nboot_id=%s\nstate=opening\n' \
      "$1" "$2" "$3" "$now" "$((now + $4))" "$boot" > "$J/window"
    : > "$J/changes"
  fi
  NFD_NFLOG_BEFORE=$(nfd_nflog_snapshot)
  NFD_MODULES_BEFORE=$(nfd_modules_snapshot)
  nfd_find_ddctl
}

# nfd_sysctl PATH EXPECTED_FROM TO   (PATH under /proc/sys; EXPECTED_FROM "?" when unknown at plan time)
nfd_sysctl() {
  [ -z "$NFD_FAILED" ] || return 0
  p=/proc/sys/$1
  if [ ! -e "$p" ]; then
    nfd_fail unsupported "$1 does not exist on this host"
    return 0
  fi
  cur=$(cat "$p")
  # Already as wanted (e.g. another controller got here first with the same profile): nothing to do.
  [ "$cur" = "$3" ] && return 0
  if [ "$2" != "?" ] && [ "$cur" != "$2" ]; then
    nfd_fail drift "$1 is now $cur, not $2 as read a moment ago; run the command again"
    return 0
  fi
  nfd_journal sysctl "$1" "$cur" "$3"
  if ! err=$(printf '%s\n' "$3" 2>&1 > "$p"); then
    nfd_fail remote "writing $3 to $1 failed: $err"
    return 0
  fi
  nfd_emit "change${TAB}sysctl${TAB}$1${TAB}$cur${TAB}$3"
}

# nfd_module NAME REALNAME
nfd_module() {
  [ -z "$NFD_FAILED" ] || return 0
  [ -n "$(nfd_module_refcount "$2")" ] && return 0
  # Journaled before loading; a module that turns out to be built in is simply "already" on revert.
  nfd_journal module "$2" absent loaded
  if ! err=$(modprobe "$1" 2>&1); then
    nfd_fail unsupported "modprobe $1 failed: $err"
    return 0
  fi
  if [ -n "$(nfd_module_refcount "$2")" ]; then
    nfd_emit "change${TAB}module${TAB}$2${TAB}absent${TAB}loaded"
  fi
}

# nfd_printk FILE:LINE FUNC EXPECTED_FROM TO
nfd_printk() {
  [ -z "$NFD_FAILED" ] || return 0
  if [ -z "$NFD_DDCTL" ]; then
    nfd_fail unsupported "dynamic debug control file not found"
    return 0
  fi
  cur=$(nfd_printk_flags "$1" "$2")
  if [ -z "$cur" ]; then
    nfd_fail unsupported "printk site $1 $2 does not exist on this kernel"
    return 0
  fi
  [ "$cur" = "$4" ] && return 0
  if [ "$cur" != "$3" ]; then
    nfd_fail drift "printk site $1 $2 has flags $cur, not $3 as read a moment ago"
    return 0
  fi
  nfd_journal printk "$1 $2" "$cur" "$4"
  if ! err=$(printf 'file %s line %s func %s =%s\n' "${1%:*}" "${1##*:}" "$2" "$4" 2>&1 > "$NFD_DDCTL"); then
    nfd_fail remote "enabling printk site $1 $2 failed: $err"
    return 0
  fi
  nfd_emit "change${TAB}printk${TAB}$1 $2${TAB}$cur${TAB}$4"
}

# Side effects (a loaded module binding nf_log.N, log_invalid auto-loading nf_log_syslog on 6.17+)
# are journaled too, so that revert undoes them as well.
nfd_side_effects() {
  after=$(nfd_nflog_snapshot)
  printf '%s\n' "$NFD_NFLOG_BEFORE" > "$J/nflog.before"
  printf '%s\n' "$after" | while read -r n v; do
    b=$(awk -v n="$n" '$1 == n { print $2 }' "$J/nflog.before")
    if [ "$b" != "$v" ] && ! grep -q "^sysctl${TAB}net/netfilter/nf_log/$n${TAB}" "$J/changes"; then
      nfd_journal sysctl "net/netfilter/nf_log/$n" "$b" "$v"
      nfd_emit "change${TAB}side-effect${TAB}net/netfilter/nf_log/$n${TAB}$b${TAB}$v"
    fi
  done
  rm -f "$J/nflog.before"
  printf '%s\n' "$NFD_MODULES_BEFORE" > "$J/modules.before"
  nfd_modules_snapshot | while read -r m; do
    if ! grep -qx "$m" "$J/modules.before" && ! grep -q "^module${TAB}$m${TAB}" "$J/changes"; then
      nfd_journal module "$m" absent loaded
      nfd_emit "change${TAB}side-effect-module${TAB}$m${TAB}absent${TAB}loaded"
    fi
  done
  rm -f "$J/modules.before"
}

nfd_arm_timer() {
  if [ -d /run/systemd/system ] && command -v systemd-run >/dev/null 2>&1; then
    unit=nfdebug-$NFD_ID
    left=$(($(nfd_window_get expires) - $(date +%s)))
    [ "$left" -lt 1 ] && left=1
    if systemd-run --quiet --unit="$unit" --on-active="${left}s" --timer-property=AccuracySec=1s \
      /bin/sh "$J/expire.sh" once "$NFD_ID" >/dev/null 2>&1; then
      echo "timer_unit=$unit" >> "$J/window"
      nfd_emit "timer${TAB}systemd${TAB}$unit"
      return 0
    fi
  fi
  setsid sh "$J/expire.sh" watch "$NFD_ID" </dev/null >/dev/null 2>&1 &
  echo "watchdog_pid=$!" >> "$J/window"
  nfd_emit "timer${TAB}watchdog${TAB}$!"
}

nfd_commit() {
  [ -z "$NFD_FAILED" ] && nfd_side_effects
  if [ -n "$NFD_FAILED" ]; then
    # Undo only what this run did: an already open window keeps its earlier changes.
    NFD_LOCK_HELD=1 NFD_ROLLBACK_FROM=$NFD_JOURNAL_START sh "$J/revert.sh" rollback 0 "$NFD_ID" | sed 's/^@@/@@rollback-/'
    exit 6
  fi
  if [ -n "${NFD_SAME:-}" ]; then
    nfd_emit "done${TAB}same${TAB}$NFD_ID"
    exit 0
  fi
  if [ ! -s "$J/changes" ]; then
    # Nothing was changed: there is nothing to revert, so no window stays open.
    rm -f "$J/window" "$J/changes"
    nfd_emit "done${TAB}nochange"
    exit 0
  fi
  sed -i 's/^state=.*/state=open/' "$J/window"
  if [ -d "$P/windows/$NFD_ID" ]; then
    awk -F "$TAB" '$1 == "printk" { print $2 }' "$J/changes" > "$P/windows/$NFD_ID/printk.sites"
  fi
  nfd_arm_timer
  nfd_history "opened${TAB}$NFD_ID${TAB}$(nfd_window_get started)${TAB}$(nfd_window_get boot_id)${TAB}$(nfd_window_get owner)${TAB}$(nfd_window_get profile)${TAB}$(nfd_window_get expires)"
  nfd_emit "done${TAB}opened${TAB}$NFD_ID${TAB}$(nfd_window_get expires)"
}
