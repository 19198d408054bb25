# nfdebug kind module, facts: which of the modules asked for ("m:NAME") have /sys/module/NAME.
nfd_emit "section${TAB}sysmodule"
for m in $NFD_MODS; do
  [ -d "/sys/module/$m" ] && echo "$m"
done
