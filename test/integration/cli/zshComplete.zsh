# Completes a command line in an interactive zsh on a pseudo-terminal (zsh/zpty) and prints the
# candidates, one a line: zsh -f zshComplete.zsh SCRIPT LINE. compadd is wrapped to print what it is
# given; the completion test of test/integration/cli/completion.test.ts uses it.
zmodload zsh/zpty || exit 2
zpty z zsh -f -i
integer n=0
# Types a command and waits until it has run and the next prompt is up (zsh may drop keys typed
# ahead of its prompt).
typed() {
  local out
  zpty -w z "$1; print DONE-\$((${n}+1000))"
  zpty -r -m z out "*DONE-$((n+1000))*READY> *" || exit 3
  n+=1
}
typed $'PROMPT=$\'\\x52EADY> \' ; RPROMPT= ; autoload -U compinit; compinit -u -D'
typed "source ${(q)1}"
typed 'compadd () {
  if [[ ${@[1,(i)(-|--)]} == *-(O|A|D)\ * ]]; then builtin compadd "$@"; return $?; fi
  local -a hits; builtin compadd -A hits "$@"; local rc=$?
  local h; for h in $hits; do print -r -- "C""OMPLETION=$h"; done
  builtin compadd -Q -U "" 2>/dev/null; return $rc; }'
typed "zstyle ':completion:*' list-grouped false; bindkey '^I' complete-word"
zpty -w -n z "$2"$'\t'
zpty -w z $'\C-u''print END-$((40+2))'
local out
zpty -r -m z out '*END-42*' || exit 3
print -r -- "$out" | tr -d '\r' | sed -n 's/^.*COMPLETION=//p'
zpty -d z
