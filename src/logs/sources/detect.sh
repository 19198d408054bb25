# nfdebug log source detection (after source.sh).
# nfd_detect_sources SYSLOG_FILE...: prints the clock, the kernel release, one source frame (kind,
# detail) per kernel log source this host has, then detected. journald counts only when it is
# running and holds kernel messages of this boot (it may run with ReadKMsg=no, or not at all, as in
# containers). Needs root for kmsg and, with kernel.dmesg_restrict=1, for dmesg. Inside the facts
# script the kernel release and clock are already known (NFD_KERNEL, NFD_CLOCK_BOOT, NFD_CLOCK_NOW).
nfd_detect_sources() {
  nfd_log_clock
  nfd_emit "kernel${TAB}${NFD_KERNEL:-$(uname -r)}"
  if nfd_has journalctl && [ -d /run/systemd/journal ] && [ -n "$(journalctl -k -b -n 1 -q --no-pager -o cat 2>/dev/null)" ]; then
    nfd_emit "source${TAB}journald"
  fi
  nfd_kmsg=
  if [ -r /dev/kmsg ]; then
    if dd if=/dev/kmsg iflag=nonblock bs=16384 count=1 >/dev/null 2>&1; then
      nfd_emit "source${TAB}kmsg${TAB}dd"
      nfd_kmsg=1
    elif nfd_has timeout && timeout 1 head -n 1 /dev/kmsg >/dev/null 2>&1; then
      nfd_emit "source${TAB}kmsg${TAB}timeout"
      nfd_kmsg=1
    fi
  fi
  # dmesg reads the same buffer (/dev/kmsg, or syslog(2) under the same dmesg_restrict check): when
  # /dev/kmsg just gave a record, dmesg works too, without reading the whole buffer to find out.
  if nfd_has dmesg && { [ -n "$nfd_kmsg" ] || [ -n "$(dmesg -r 2>/dev/null | head -n 1)" ]; }; then
    nfd_emit "source${TAB}dmesg"
  fi
  for nfd_f do
    if [ -r "$nfd_f" ] && [ -s "$nfd_f" ]; then nfd_emit "source${TAB}file${TAB}$nfd_f"; fi
  done
  nfd_emit "detected"
}

nfd_has() { command -v "$1" >/dev/null 2>&1; }
