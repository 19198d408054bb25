# nfdebug kind module, facts: loaded modules with their use counts ("-unsupported" without
# /proc/modules), and the netfilter built-ins.
  section("modules")
  if ((r = getline l < "/proc/modules") < 0) print "-unsupported"
  while (r > 0) { split(l, f, " "); print f[1], f[3]; r = getline l < "/proc/modules" }
  close("/proc/modules")
  section("modules_builtin")
  file = "/lib/modules/" kernel "/modules.builtin"
  while ((getline l < file) > 0)
    if (l ~ /\/(nf_log|nf_conntrack|nfnetlink_log|nf_log_syslog|x_tables|nf_tables)[^\/]*\.ko/) {
      sub(/.*\//, "", l); sub(/\.ko.*$/, "", l); print l
    }
  close(file)
