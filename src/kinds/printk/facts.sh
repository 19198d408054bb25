# nfdebug kind printk, facts: where the dynamic-debug control file is (NFD_DDCTL, for facts.awk).
nfd_find_ddctl
