# Completes a command line in an interactive bash on a pseudo-terminal (zsh/zpty): readline splits
# the words (COMP_WORDBREAKS) and calls the completion function as it does for a person, and the
# line after one TAB is printed: zsh -f bashComplete.zsh SCRIPT LINE. Used by completion.test.ts.
zmodload zsh/zpty || exit 2
zpty b bash --norc --noprofile -i
local out
# C-x prints readline's line buffer between markers.
zpty -w b "PS1='READY> '; source ${(q)1}; bind -x '\"\\C-x\": printf \"\\nLINE=%s=END\\n\" \"\$READLINE_LINE\"'; echo SOURCED-\$((1+1))"
zpty -r -m b out '*SOURCED-2*READY> *' || exit 3
# Readline runs the completion function for the TAB before it reads the C-x after it.
zpty -w -n b "$2"$'\t\C-x'
zpty -r -m b out '*=END*' || exit 3
print -r -- "$out" | tr -d '\r' | sed -n 's/^LINE=\(.*\)=END$/\1/p'
zpty -d b
