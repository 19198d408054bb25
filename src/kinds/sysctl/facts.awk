# nfdebug kind sysctl, facts: the sysctls the knobs asked for ("s:NAME" arguments, in $sysctls),
# every nf_log.N binding, and the loggers each family has registered.
  section("sysctl")
  n = split(sysctls, s, " ")
  for (i = 1; i <= n; i++) value("/proc/sys/net/netfilter/" s[i], s[i])
  for (i = 0; i <= 10; i++) value("/proc/sys/net/netfilter/nf_log/" i, "nf_log/" i)
  section("nf_log")
  lines("/proc/net/netfilter/nf_log")
