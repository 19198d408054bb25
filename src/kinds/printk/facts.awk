# nfdebug kind printk, facts: the path of the control file ("-" without one), then its enabled sites,
# the netfilter sites and those matching a "p:TEXT" argument ($pats).
  section("printk")
  print (ddctl == "" ? "-" : ddctl)
  if (ddctl != "") {
    np = split(pats, p, "\n")
    k = 0
    while ((getline l < ddctl) > 0) {
      if (++k == 1) continue
      split(l, f, " ")
      if (f[3] != "=_" || index(l, "netfilter") > 0) { print l; continue }
      for (i = 1; i <= np; i++) if (p[i] != "" && index(l, p[i]) > 0) { print l; break }
    }
    close(ddctl)
  }
