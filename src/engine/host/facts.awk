# nfdebug facts: the functions of the awk program. scripts.ts composes the program: these functions,
# then BEGIN { each kind facts.awk; host_state() }. The shell passes kernel, ddctl, pats, sysctls,
# J and P with -v. Single quotes cannot occur in any part (the program is one shell word).
function section(name) { printf "@@section\t%s\n", name }
# "NAME VALUE" from the first line of FILE, when it has one.
function value(file, name,   v) {
  if ((getline v < file) > 0) print name " " v
  close(file)
}
function lines(file,   l) {
  while ((getline l < file) > 0) print l
  close(file)
}
# The header of the open window and journal, and the last 20 lines of the history.
function host_state(   h, i, l, last) {
  section("window")
  lines(J "/window")
  section("changes")
  lines(J "/changes")
  # The log budget's sampler: its count so far, or why it does not enforce (budget.sh).
  section("budget")
  lines(J "/budget")
  section("history")
  h = 0
  while ((getline l < (P "/windows.log")) > 0) last[h++ % 20] = l
  for (i = (h > 20 ? h - 20 : 0); i < h; i++) print last[i % 20]
}
