# nfdebug host protocol, the shell side of src/shell/frame.ts (which has the grammar and the tags).
# A tab without a $(printf) subshell.
TAB='	'
# nfd_emit "TAG${TAB}FIELD...": one frame.
nfd_emit() { printf '@@%s\n' "$*"; }
# nfd_frame TAG [FIELD]: every line of stdin (a last one without its newline too) as a frame whose
# last field is the line. The read builtin, no process: for short texts (log records are framed by
# their readers' awk).
nfd_frame() {
  while IFS= read -r nfd_l || [ -n "$nfd_l" ]; do
    printf '@@%s\n' "$1${2+$TAB$2}$TAB$nfd_l"
  done
}
