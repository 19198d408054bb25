# nfdebug apply: functions called by the generated body that follows. All or nothing on this host:
# every original value is journaled before it is changed, and any failure rolls the host back.
NFD_FAILED=
nfd_fail() {
  nfd_emit "fail${TAB}$1${TAB}$2"
  NFD_FAILED=1
}
nfd_journal() { printf '%s\n' "$1$TAB$2$TAB$3$TAB$4" >> "$J/changes"; }
# Is "KIND<TAB>KEY<TAB>…" in the journal (a small regular file: read with the builtin)?
nfd_journaled() {
  [ -f "$J/changes" ] || return 1
  while IFS= read -r l || [ -n "$l" ]; do
    case $l in "$1$TAB$2$TAB"*) return 0 ;; esac
  done < "$J/changes"
  return 1
}
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
  # The state before any step (nf_log bindings and modules, compared again at commit) and the
  # values the steps start from.
  nfd_snapshot
  NFD_SNAP_BEFORE=$NFD_SNAP
  boot=unknown
  nfd_snap_get /proc/sys/kernel/random/boot_id && boot=$v && NFD_CLOCK_BOOT=$v
  nfd_snap_get /proc/sys/kernel/osrelease && NFD_KERNEL=$v
  nfd_ct_sysctls
  nfd_clock
  now=$NFD_NOW
  nfd_emit "now${TAB}$now${TAB}$boot"
  if nfd_window_read; then
    if [ "$W_boot_id" != "$boot" ]; then
      nfd_history "closed${TAB}$W_id${TAB}$now${TAB}reboot"
      rm -f "$J/window" "$J/changes" "$J/logpos"
    elif [ "$W_profile" = "$3" ]; then
      NFD_ID=$W_id
      NFD_SAME=1
      nfd_emit "window${TAB}same${TAB}$NFD_ID${TAB}$W_expires"
    else
      nfd_emit "refused${TAB}$W_id${TAB}$W_owner${TAB}$W_profile${TAB}$W_expires"
      exit 5
    fi
  fi
  NFD_JOURNAL_START=0
  if [ -n "${NFD_SAME:-}" ]; then
    # Lines in the journal (as wc -l counts them).
    if [ -f "$J/changes" ]; then
      while IFS= read -r l; do NFD_JOURNAL_START=$((NFD_JOURNAL_START + 1)); done < "$J/changes"
    fi
  else
    W_id=$1 W_owner=$2 W_profile=$3 W_started=$now W_expires=$((now + $4)) W_boot_id=$boot
    W_state=opening W_timer_unit= W_watchdog_pid=
    printf 'id=%s\nowner=%s\nprofile=%s\nstarted=%s\nexpires=%s\nboot_id=%s\nstate=opening\n' \
      "$1" "$2" "$3" "$now" "$W_expires" "$boot" > "$J/window"
    : > "$J/changes"
  fi
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
  nfd_sysctl_get "$1"
  # Already as wanted (e.g. another controller got here first with the same profile): nothing to do.
  [ "$cur" = "$3" ] && return 0
  if [ "$2" != "?" ] && [ "$cur" != "$2" ]; then
    nfd_fail drift "$1 is now $cur, not $2 as read a moment ago; run the command again"
    return 0
  fi
  nfd_journal sysctl "$1" "$cur" "$3"
  if ! printf '%s\n' "$3" 2>/dev/null > "$p"; then
    # Written again only to capture the message (a failed write changed nothing).
    err=$(printf '%s\n' "$3" 2>&1 > "$p")
    NFD_SNAP_OK=
    nfd_fail remote "writing $3 to $1 failed: $err"
    return 0
  fi
  nfd_sysctl_written "$1" "$3"
  nfd_emit "change${TAB}sysctl${TAB}$1${TAB}$cur${TAB}$3"
}

# nfd_module NAME REALNAME
nfd_module() {
  [ -z "$NFD_FAILED" ] || return 0
  nfd_module_refs "$2"
  [ -n "$refs" ] && return 0
  # Journaled before loading; a module that turns out to be built in is simply "already" on revert.
  nfd_journal module "$2" absent loaded
  if ! err=$(modprobe "$1" 2>&1); then
    NFD_SNAP_OK=
    nfd_fail unsupported "modprobe $1 failed: $err"
    return 0
  fi
  nfd_snapshot
  nfd_module_refs "$2"
  if [ -n "$refs" ]; then
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
  nfd_snapshot
  nfd_snap_state "$NFD_SNAP_BEFORE"
  before=$names
  nflog_before=$nflog
  nfd_snap_state "$NFD_SNAP"
  if [ "$nflog" != "$nflog_before" ]; then
    for n in 0 1 2 3 4 5 6 7 8 9 10; do
      nfd_nflog_of "$nflog_before" "$n"
      b=$v
      nfd_nflog_of "$nflog" "$n"
      if [ "$b" != "$v" ] && ! nfd_journaled sysctl "net/netfilter/nf_log/$n"; then
        nfd_journal sysctl "net/netfilter/nf_log/$n" "$b" "$v"
        nfd_emit "change${TAB}side-effect${TAB}net/netfilter/nf_log/$n${TAB}$b${TAB}$v"
      fi
    done
  fi
  # Modules loaded since nfd_begin and not journaled yet, in name order.
  new=
  if [ "$names" != "$before" ]; then
    for m in $names; do
      case $before in *" $m "*) continue ;; esac
      nfd_journaled module "$m" || new="$new $m"
    done
    case $new in *" "*" "*) new=$(printf '%s\n' $new | sort) ;; esac
  fi
  for m in $new; do
    nfd_journal module "$m" absent loaded
    nfd_emit "change${TAB}side-effect-module${TAB}$m${TAB}absent${TAB}loaded"
  done
}

nfd_arm_timer() {
  W_state=open
  if [ -d /run/systemd/system ] && command -v systemd-run >/dev/null 2>&1; then
    unit=nfdebug-$NFD_ID
    nfd_clock
    left=$((W_expires - NFD_NOW))
    [ "$left" -lt 1 ] && left=1
    if systemd-run --quiet --unit="$unit" --on-active="${left}s" --timer-property=AccuracySec=1s \
      /bin/sh "$J/expire.sh" once "$NFD_ID" >/dev/null 2>&1; then
      W_timer_unit=$unit
      nfd_window_write
      nfd_emit "timer${TAB}systemd${TAB}$unit"
      return 0
    fi
  fi
  setsid sh "$J/expire.sh" watch "$NFD_ID" "$((W_expires - NFD_NOW))" </dev/null >/dev/null 2>&1 &
  W_watchdog_pid=$!
  nfd_window_write
  nfd_emit "timer${TAB}watchdog${TAB}$W_watchdog_pid"
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
  if [ -d "$P/windows/$NFD_ID" ]; then
    while IFS="$TAB" read -r kind key rest; do
      [ "$kind" = printk ] && printf '%s\n' "$key"
    done < "$J/changes" > "$P/windows/$NFD_ID/printk.sites"
  fi
  nfd_arm_timer
  nfd_history "opened${TAB}$NFD_ID${TAB}$W_started${TAB}$W_boot_id${TAB}$W_owner${TAB}$W_profile${TAB}$W_expires"
  nfd_emit "done${TAB}opened${TAB}$NFD_ID${TAB}$W_expires"
}
