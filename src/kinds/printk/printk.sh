# nfdebug kind printk: dynamic-debug sites (apply: nfd_printk; revert: nfd_revert_printk).

# Flags of one dynamic-debug site, identified by "file:line" and function name.
nfd_printk_flags() {
  awk -v site="$1" -v fn="$2" '$1 == site { f = $2; sub(/^\[[^]]*\]/, "", f); if (f == fn) { v = $3; sub(/^=/, "", v); print v; exit } }' "$NFD_DDCTL"
}

# nfd_printk TYPE FILE:LINE FUNC EXPECTED_FROM TO
nfd_printk() {
  [ -z "$NFD_FAILED" ] || return 0
  nfd_ddctl
  if [ -z "$NFD_DDCTL" ]; then
    nfd_fail unsupported "dynamic debug control file not found"
    return 0
  fi
  cur=$(nfd_printk_flags "$2" "$3")
  if [ -z "$cur" ]; then
    nfd_fail unsupported "printk site $2 $3 does not exist on this kernel"
    return 0
  fi
  [ "$cur" = "$5" ] && return 0
  if [ "$cur" != "$4" ]; then
    nfd_fail drift "printk site $2 $3 has flags $cur, not $4 as read a moment ago"
    return 0
  fi
  nfd_journal "$1" "$2 $3" "$cur" "$5" || return 0
  if ! err=$(printf 'file %s line %s func %s =%s\n' "${2%:*}" "${2##*:}" "$3" "$5" 2>&1 > "$NFD_DDCTL"); then
    nfd_fail remote "enabling printk site $2 $3 failed: $err"
    return 0
  fi
  nfd_emit "change${TAB}$1${TAB}$2 $3${TAB}$cur${TAB}$5"
}

# One journal line ($type $key $from $to), key "file:line func".
nfd_revert_printk() {
  nfd_ddctl
  site=${key% *}
  fn=${key##* }
  cur=$(nfd_printk_flags "$site" "$fn")
  if [ -z "$cur" ]; then
    nfd_emit "restored${TAB}$type${TAB}$key${TAB}gone"
  elif [ "$cur" = "$from" ]; then
    nfd_emit "restored${TAB}$type${TAB}$key${TAB}already"
  elif [ "$cur" = "$to" ] || [ "$force" = 1 ]; then
    if printf 'file %s line %s func %s =%s\n' "${site%:*}" "${site##*:}" "$fn" "$from" > "$NFD_DDCTL" 2>/dev/null; then
      nfd_emit "restored${TAB}$type${TAB}$key${TAB}$cur${TAB}$from"
    else
      nfd_revert_failed "could not write flags $from"
    fi
  else
    nfd_revert_drift
  fi
}
nfd_revert_finish_printk() { :; }
