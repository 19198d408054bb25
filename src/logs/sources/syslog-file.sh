# nfdebug syslog file reader (after source.sh): kernel lines of /var/log/kern.log or messages.
# nfd_file_read RECORDS FILE INODE OFFSET LIMIT [MATCH...]
#   RECORDS  1: print the kernel lines after OFFSET, 0: only the file's end (a window's start)
#   INODE OFFSET  the position: the file's inode (-1: none yet) and the first unread byte
#   LIMIT    the window's end offset in the same file, or -1
# Prints the clock, the host's UTC offset (zone), warn frames (unavailable, rotated, rotated_lost,
# truncated), the lines (R "OFFSET<TAB>LINE") and the position (pos INODE BASE CONSUMED). Only
# complete lines are consumed: a line still being written is left for the next read. When the inode
# changed, the rest of the rotated file is read first if it is still there.
nfd_file_read() {
  nfd_records=$1 nfd_file=$2 nfd_inode=$3 nfd_off=$4 nfd_limit=$5
  shift 5
  nfd_log_match "$@"
  nfd_log_clock
  nfd_emit "zone${TAB}$(date +%z 2>/dev/null)"
  if [ ! -r "$nfd_file" ]; then
    nfd_emit "warn${TAB}unavailable${TAB}$nfd_file"
    nfd_emit "pos${TAB}$nfd_inode${TAB}$nfd_off${TAB}0"
    return 0
  fi
  nfd_ino=$(nfd_inode_of "$nfd_file")
  nfd_size=$(nfd_size_of "$nfd_file")
  if [ "$nfd_inode" -ge 0 ] && [ "$nfd_ino" != "$nfd_inode" ]; then
    nfd_found=
    for nfd_old in "$nfd_file.1" "$nfd_file"-*; do
      if [ -r "$nfd_old" ] && [ "$(nfd_inode_of "$nfd_old")" = "$nfd_inode" ]; then
        nfd_emit "warn${TAB}rotated${TAB}$nfd_old"
        nfd_osize=$(nfd_size_of "$nfd_old")
        nfd_bytes "$nfd_old" "$nfd_off" "$nfd_osize" | nfd_lines $((nfd_osize - nfd_off)) "$nfd_off" ''
        nfd_found=1
        break
      fi
    done
    [ -n "$nfd_found" ] || nfd_emit "warn${TAB}rotated_lost${TAB}$nfd_file"
    nfd_off=0
  elif [ "$nfd_size" -lt "$nfd_off" ]; then
    nfd_emit "warn${TAB}truncated${TAB}$nfd_off"
    nfd_off=0
  fi
  if [ "$nfd_limit" -ge 0 ] && [ "$nfd_ino" = "$nfd_inode" ] && [ "$nfd_limit" -lt "$nfd_size" ]; then nfd_size=$nfd_limit; fi
  if [ "$nfd_records" = 1 ]; then
    nfd_bytes "$nfd_file" "$nfd_off" "$nfd_size" | nfd_lines $((nfd_size - nfd_off)) "$nfd_off" "$nfd_ino"
  else
    nfd_emit "pos${TAB}$nfd_ino${TAB}$nfd_size${TAB}0"
  fi
}

nfd_inode_of() { ls -di "$1" 2>/dev/null | awk '{ print $1 }'; }
nfd_size_of() { wc -c < "$1" | tr -d ' '; }
# Bytes [from, to) of a file.
nfd_bytes() { tail -c +$(($2 + 1)) "$1" 2>/dev/null | head -c $(($3 - $2)); }
# nfd_lines LENGTH BASE INODE: kernel lines of the input as R frames (only complete lines); with an
# inode, then the position: inode, base offset, bytes consumed.
nfd_lines() {
  awk -v len="$1" -v base="$2" -v ino="$3" "$nfd_match_awk"'
function emit(l) { if (index(l, " kernel: ") > 0) { $0 = l; if (wanted()) printf "@@R\t%.0f\t%s\n", base + consumed, l } }
BEGIN { consumed = 0; have = 0 }
{ cur = $0; if (have) { emit(prev); consumed += length(prev) + 1 } prev = cur; have = 1 }
END {
  if (have && consumed + length(prev) + 1 <= len) { emit(prev); consumed += length(prev) + 1 }
  if (ino != "") printf "@@pos\t%s\t%s\t%.0f\n", ino, base, consumed
}'
}
