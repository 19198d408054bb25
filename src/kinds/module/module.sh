# nfdebug kind module: kernel modules (apply: nfd_module, nfd_modules_appeared; revert:
# nfd_revert_module, then nfd_revert_finish_module's rmmod rounds).

# Loaded module names as " a b c " into $names: from the snapshot while it is valid, else read now.
nfd_module_names() {
  if [ -n "${NFD_SNAP_OK:-}" ]; then
    names=' '
    ifs=$IFS
    IFS=$NL
    set -f
    for l in $NFD_SNAP; do
      case $l in /proc/modules:*)
        l=${l#/proc/modules:}
        names="$names${l%% *} "
        ;;
      esac
    done
    set +f
    IFS=$ifs
  else
    names=" $(awk '{ printf "%s ", $1 }' /proc/modules 2>/dev/null)"
  fi
}

# Is module NAME loaded (listed in /proc/modules)? Its use count into $refs when it is, else "".
nfd_module_refs() {
  refs=
  if [ -z "${NFD_SNAP_OK:-}" ]; then
    refs=$(awk -v m="$1" '$1 == m { print $3; exit }' /proc/modules 2>/dev/null)
    return 0
  fi
  ifs=$IFS
  IFS=$NL
  set -f
  for l in $NFD_SNAP; do
    case $l in "/proc/modules:$1 "*)
      # name size refs deps state address
      l=${l#* }
      l=${l#* }
      refs=${l%% *}
      break
      ;;
    esac
  done
  set +f
  IFS=$ifs
}

# What MODULE needs loaded first, as modprobe resolves it, as " a b " into $deps (names as
# /proc/modules spells them): nf_conntrack needs libcrc32c, nf_defrag_ipv4 and nf_defrag_ipv6.
nfd_module_deps() {
  deps=" $(modprobe --show-depends "$1" 2>/dev/null | awk '$1 == "insmod" { n = $2; sub(/.*\//, "", n); sub(/\.ko.*$/, "", n); gsub(/-/, "_", n); printf "%s ", n }')"
}

# Modules that appeared around one action of this run (a modprobe, a log_invalid write that makes
# the kernel load nf_log_syslog), compared with $NFD_MODS_BEFORE. Only names on a closed list of
# netfilter logging/conntrack modules, and the dependencies of the module loaded ($2, from
# nfd_module_deps: libcrc32c for nf_conntrack), are journaled: a br_netfilter, veth or overlay
# that another program loaded meanwhile is never nfdebug's to unload.
nfd_modules_appeared() {
  NFD_SNAP_OK=
  nfd_module_names
  [ "$names" = "$NFD_MODS_BEFORE" ] && return 0
  for m in $names; do
    case $NFD_MODS_BEFORE in *" $m "*) continue ;; esac
    case $m in
    nf_log_* | nfnetlink | nfnetlink_log | nf_conntrack | nf_conntrack_* | nf_defrag_ipv4 | nf_defrag_ipv6) ;;
    *) case ${2:-} in *" $m "*) ;; *) continue ;; esac ;;
    esac
    [ "$m" = "${1:-}" ] && continue
    nfd_journaled module:modules "$m" && continue
    nfd_journal module:modules "$m" absent loaded || return 0
    nfd_emit "change${TAB}module:modules${TAB}$m${TAB}absent${TAB}loaded${TAB}side-effect"
  done
}

# nfd_module TYPE MODULE   (MODULE: the real name on this kernel, as /proc/modules lists it)
nfd_module() {
  [ -z "$NFD_FAILED" ] || return 0
  nfd_module_refs "$2"
  [ -n "$refs" ] && return 0
  # Journaled before loading; a module that turns out to be built in is simply "already" on revert.
  nfd_journal "$1" "$2" absent loaded || return 0
  # Read now, not from the snapshot: "around this one call" as closely as the shell can.
  NFD_SNAP_OK=
  nfd_module_names
  NFD_MODS_BEFORE=$names
  nfd_module_deps "$2"
  if ! err=$(modprobe "$2" 2>&1); then
    NFD_SNAP_OK=
    nfd_fail unsupported "modprobe $2 failed: $err"
    return 0
  fi
  # Its dependencies (nfnetlink for nfnetlink_log…), loaded by this very modprobe.
  nfd_modules_appeared "$2" "$deps"
  nfd_snapshot
  nfd_module_refs "$2"
  if [ -n "$refs" ]; then
    nfd_emit "change${TAB}$1${TAB}$2${TAB}absent${TAB}loaded"
  fi
}

# Unloads module $key if nothing uses it; else says why and returns 1.
nfd_unload() {
  nfd_module_refs "$key"
  if [ -z "$refs" ]; then
    nfd_emit "restored${TAB}module:modules${TAB}$key${TAB}already"
    return 0
  fi
  # rmmod, not modprobe -r: only this module, never a dependency somebody else loaded.
  if [ "$refs" = 0 ] || [ "$force" = 1 ]; then
    if rmmod "$key" 2>/dev/null; then
      NFD_SNAP_OK=
      nfd_emit "restored${TAB}module:modules${TAB}$key${TAB}unloaded"
      return 0
    fi
    NFD_SNAP_OK=
  fi
  return 1
}

# One journal line ($key: a module nfdebug loaded). A module still used may be used by one
# journaled later and unloaded below: tried again after the others.
NFD_DEFERRED=
nfd_revert_module() {
  nfd_unload || NFD_DEFERRED="$NFD_DEFERRED$key$NL"
}

# Modules in use: again while a round unloads something (dependencies after their users). Still in
# use: left loaded, and kept in the journal so that `revert --force` can try again.
nfd_revert_finish_module() {
  while [ -n "$NFD_DEFERRED" ]; do
    again=
    progress=
    for key in $NFD_DEFERRED; do
      if nfd_unload; then progress=1; else again="$again$key$NL"; fi
    done
    NFD_DEFERRED=$again
    [ -n "$progress" ] || break
  done
  for key in $NFD_DEFERRED; do
    nfd_module_refs "$key"
    nfd_emit "inuse${TAB}module:modules${TAB}$key${TAB}$refs"
    left="${left}module:modules$TAB$key${TAB}absent${TAB}loaded$NL"
    inuse=1
  done
}
