# nfdebug facts: everything plan and status need, in one round trip. Sections start with "@@section".
# Arguments: "m:NAME" modules to look for in /sys/module, "p:TEXT" fixed strings to look for in the
# dynamic-debug control file (sites of the profile that are not enabled yet).
NFD_PATS=
NFD_MODS=
for a in "$@"; do
  case $a in
  m:*) NFD_MODS="$NFD_MODS ${a#m:}" ;;
  p:*) NFD_PATS="$NFD_PATS
${a#p:}" ;;
  esac
done
nfd_emit "facts${TAB}1"
nfd_emit "section${TAB}kernel"
uname -r
nfd_emit "section${TAB}boot_id"
nfd_boot_id
nfd_emit "section${TAB}now"
date +%s
nfd_emit "section${TAB}uid"
id -u
nfd_emit "section${TAB}sysctl"
for f in nf_conntrack_log_invalid nf_log_all_netns nf_conntrack_count nf_conntrack_max; do
  if [ -r "/proc/sys/net/netfilter/$f" ]; then
    printf '%s %s\n' "$f" "$(cat "/proc/sys/net/netfilter/$f")"
  fi
done
for n in 0 1 2 3 4 5 6 7 8 9 10; do
  [ -r "/proc/sys/net/netfilter/nf_log/$n" ] && printf 'nf_log/%s %s\n' "$n" "$(cat "/proc/sys/net/netfilter/nf_log/$n")"
done
nfd_emit "section${TAB}nf_log"
cat /proc/net/netfilter/nf_log 2>/dev/null
nfd_emit "section${TAB}modules"
if [ -r /proc/modules ]; then
  awk '{ print $1, $3 }' /proc/modules
else
  echo "-unsupported"
fi
nfd_emit "section${TAB}modules_builtin"
grep -E '/(nf_log|nf_conntrack|nfnetlink_log|nf_log_syslog|x_tables|nf_tables)[^/]*\.ko' "/lib/modules/$(uname -r)/modules.builtin" 2>/dev/null | sed 's|.*/||; s|\.ko.*$||'
nfd_emit "section${TAB}sysmodule"
for m in $NFD_MODS; do
  [ -d "/sys/module/$m" ] && echo "$m"
done
nfd_emit "section${TAB}printk"
nfd_find_ddctl
echo "${NFD_DDCTL:--}"
if [ -n "$NFD_DDCTL" ]; then
  if [ -n "$NFD_PATS" ]; then
    awk -v pats="$NFD_PATS" 'BEGIN { n = split(pats, p, "\n") }
      NR > 1 && ($3 != "=_" || index($0, "netfilter") > 0) { print; next }
      NR > 1 { for (i = 1; i <= n; i++) if (p[i] != "" && index($0, p[i]) > 0) { print; next } }' "$NFD_DDCTL"
  else
    awk 'NR > 1 && ($3 != "=_" || index($0, "netfilter") > 0)' "$NFD_DDCTL"
  fi
fi
nfd_emit "section${TAB}tools"
for t in journalctl dmesg conntrack systemd-run sudo setsid modprobe; do
  command -v "$t" >/dev/null 2>&1 && echo "$t"
done
[ -d /run/systemd/system ] && echo systemd
[ -r /dev/kmsg ] && echo kmsg
[ -r /var/log/kern.log ] && echo kern.log
[ -r /var/log/messages ] && echo messages
nfd_emit "section${TAB}window"
cat "$J/window" 2>/dev/null
nfd_emit "section${TAB}changes"
cat "$J/changes" 2>/dev/null
nfd_emit "section${TAB}history"
tail -n 20 "$P/windows.log" 2>/dev/null
