# nfdebug facts: everything plan and status need, in one round trip. Sections start with "@@section"
# (their order does not matter). Arguments, asked for by the kinds (src/kinds/registry.ts):
# "s:NAME" sysctls under /proc/sys/net/netfilter to read, "m:NAME" modules to look for in
# /sys/module, "p:TEXT" fixed strings to look for in the dynamic-debug control file (sites of the
# profile that are not enabled yet). After this file come the kinds' facts.sh, then one awk
# (facts.awk and the kinds' facts.awk) that reads every file; the kernel release, boot id and clock
# are kept for the extra sections (NFD_KERNEL, NFD_CLOCK_BOOT, NFD_CLOCK_NOW).
NFD_PATS=
NFD_MODS=
NFD_SYSCTLS=
for a in "$@"; do
  case $a in
  s:*) NFD_SYSCTLS="$NFD_SYSCTLS ${a#s:}" ;;
  m:*) NFD_MODS="$NFD_MODS ${a#m:}" ;;
  p:*) NFD_PATS="$NFD_PATS
${a#p:}" ;;
  esac
done
# nfd_facts_awk PROGRAM: the awk program that reads every file (facts.awk and the kinds' parts).
nfd_facts_awk() {
  awk -v kernel="$NFD_KERNEL" -v ddctl="$NFD_DDCTL" -v pats="$NFD_PATS" -v sysctls="$NFD_SYSCTLS" -v J="$J" -v P="$P" "$1"
}
nfd_emit "facts${TAB}1"
# A window past its expiry that its switch has not reverted (it died, or waits for a lock) is
# reverted before anything is read: then the facts show the host as it is now.
NFD_OVERDUE=
if [ -r "$J/window" ] && nfd_window_read; then
  nfd_clock
  nfd_boot_id
  if nfd_overdue "$NFD_NOW" "$boot"; then
    nfd_revert_path
    [ -z "$NFD_REVERT" ] || NFD_OVERDUE="$W_id$TAB$(sh "$NFD_REVERT" expired 0 "$W_id" 2>/dev/null | sed -n "s/^@@revert$TAB//p")"
  elif [ "$W_state" = opening ] && [ "$W_boot_id" = "$boot" ] && NFD_LOCK_WHAT=facts nfd_lock 0 >/dev/null; then
    # Left "opening" and nobody holds the lock: the run that began it died. Rolled back here, so
    # that the plan starts from the host as it really is. Read again under the lock: the run may
    # have committed (and let go of the lock) since the first read.
    nfd_abandoned=$W_id
    if nfd_window_read && [ "$W_id" = "$nfd_abandoned" ] && [ "$W_state" = opening ]; then
      nfd_revert_path
      [ -z "$NFD_REVERT" ] || NFD_LOCK_HELD=1 sh "$NFD_REVERT" abandoned 0 "$W_id" >/dev/null 2>&1
    fi
    nfd_unlock
  fi
fi
# String sysctls (osrelease, boot_id) read fine with the builtin, one byte per read(2); numeric ones
# do not (a read at a non-zero offset is at EOF), so never `read` those.
NFD_KERNEL=
{ IFS= read -r NFD_KERNEL < /proc/sys/kernel/osrelease; } 2>/dev/null
[ -n "$NFD_KERNEL" ] || NFD_KERNEL=$(uname -r)
NFD_CLOCK_BOOT=
{ IFS= read -r NFD_CLOCK_BOOT < /proc/sys/kernel/random/boot_id; } 2>/dev/null
NFD_CLOCK_BOOT=${NFD_CLOCK_BOOT:-unknown}
nfd_clock
nfd_emit "section${TAB}kernel"
printf '%s\n' "$NFD_KERNEL"
nfd_emit "section${TAB}boot_id"
printf '%s\n' "$NFD_CLOCK_BOOT"
[ "$NFD_CLOCK_BOOT" = unknown ] && NFD_CLOCK_BOOT=
nfd_emit "section${TAB}now"
printf '%s\n' "$NFD_NOW"
# The effective uid (what id -u prints): the second field of Uid: in this shell's own status.
nfd_uid=
while IFS="$TAB" read -r k real eff rest; do
  if [ "$k" = Uid: ]; then
    nfd_uid=$eff
    break
  fi
done 2>/dev/null < /proc/self/status
nfd_emit "section${TAB}uid"
printf '%s\n' "${nfd_uid:-$(id -u)}"
nfd_emit "section${TAB}tools"
for t in journalctl dmesg conntrack systemd-run sudo setsid modprobe flock; do
  command -v "$t" >/dev/null 2>&1 && echo "$t"
done
[ -d /run/systemd/system ] && echo systemd
[ -r /dev/kmsg ] && echo kmsg
[ -r /var/log/kern.log ] && echo kern.log
[ -r /var/log/messages ] && echo messages
nfd_emit "section${TAB}overdue"
[ -z "$NFD_OVERDUE" ] || printf '%s\n' "$NFD_OVERDUE"
# Is the open window's dead-man's switch alive (apply arms a dead one again)?
nfd_emit "section${TAB}switch"
if [ -r "$J/window" ] && nfd_window_read; then
  if [ -z "$W_timer_unit$W_watchdog_pid" ]; then echo none; elif nfd_armed; then echo alive; else echo dead; fi
fi
# The installed versions of the host scripts: VERSION when $J/s/VERSION holds both, each naming
# that version on its first line (apply sends only what is missing or different).
nfd_emit "section${TAB}installed"
for d in "$J"/s/*; do
  r= e=
  { IFS= read -r r < "$d/revert.sh"; } 2>/dev/null
  { IFS= read -r e < "$d/expire.sh"; } 2>/dev/null
  [ "$r" = "# nfdebug revert.sh ${d##*/}" ] && [ "$e" = "# nfdebug expire.sh ${d##*/}" ] && printf '%s\n' "${d##*/}"
done
